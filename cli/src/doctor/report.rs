//! What the doctor reports: five steps, each with a verdict, the checks behind it (what was
//! observed) and what to do. The JSON form is the stable schema documented in `docs/doctor.md`;
//! change it only by adding fields, or by raising `SCHEMA`.

use std::fmt::Write as _;

use serde::Serialize;

/// Identifies the JSON layout. Consumers should check it.
pub const SCHEMA: &str = "bcss-doctor/1";

/// The verdict of a check or a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Works.
    Pass,
    /// Works, but needs attention (e.g. expiry under 30 days, API not deployed).
    Warn,
    /// Does not work: this is where the partner is stuck.
    Fail,
    /// Not run, because a step it depends on failed (steps), or not applicable (checks).
    Skipped,
}

impl Verdict {
    fn severity(self) -> u8 {
        match self {
            Self::Skipped => 0,
            Self::Pass => 1,
            Self::Warn => 2,
            Self::Fail => 3,
        }
    }

    /// Upper-case label for text output.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pass => "PASS",
            Self::Warn => "WARN",
            Self::Fail => "FAIL",
            Self::Skipped => "SKIPPED",
        }
    }
}

/// The five access steps of the KSZ-BCSS onboarding document, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepId {
    /// 1. Network access: DNS and TCP to the gateway and the token endpoint.
    Network,
    /// 2. BCSS infrastructure access: TLS with the gateway, then mutual TLS.
    Infrastructure,
    /// 3. Certificates: the configured identity itself.
    Certificates,
    /// 4. Access management: an OAuth token with the configured client-id.
    AccessManagement,
    /// 5. Service access: the API's `/health`.
    ServiceAccess,
}

impl StepId {
    /// All steps in report order.
    pub const ALL: [StepId; 5] = [
        Self::Network,
        Self::Infrastructure,
        Self::Certificates,
        Self::AccessManagement,
        Self::ServiceAccess,
    ];

    /// 1 to 5, the document's numbering.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// The document's name of the step.
    pub fn title(self) -> &'static str {
        match self {
            Self::Network => "Network access",
            Self::Infrastructure => "BCSS infrastructure access",
            Self::Certificates => "Certificates",
            Self::AccessManagement => "Access management",
            Self::ServiceAccess => "Service access",
        }
    }

    /// The steps whose failure makes this one meaningless. Certificates are checked locally,
    /// so they run even when the network is down.
    pub fn depends_on(self) -> &'static [StepId] {
        match self {
            Self::Network | Self::Certificates => &[],
            Self::Infrastructure => &[Self::Network],
            Self::AccessManagement => &[Self::Network, Self::Certificates],
            Self::ServiceAccess => &[Self::Infrastructure, Self::AccessManagement],
        }
    }
}

/// One observation inside a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Short name, e.g. `gateway TCP connect`.
    pub name: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// What was observed, in plain words.
    pub observed: String,
    /// Machine-readable cause of a failure (`TransportErrorKind` or OAuth error code), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// One step's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepReport {
    /// 1 to 5.
    pub step: u8,
    /// Stable identifier.
    pub id: StepId,
    /// The step's name.
    pub title: String,
    /// The worst verdict of its checks, or `skipped`.
    pub verdict: Verdict,
    /// One line on the outcome.
    pub summary: String,
    /// What was checked and observed.
    pub checks: Vec<Check>,
    /// What to do, most likely fix first. Empty when nothing needs doing.
    pub remediation: Vec<String>,
    /// For a skipped step: the earlier step that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped_because: Option<StepId>,
}

impl StepReport {
    /// A step not run because `cause` failed.
    pub fn skipped(id: StepId, cause: StepId) -> Self {
        Self {
            step: id.number(),
            id,
            title: id.title().into(),
            verdict: Verdict::Skipped,
            summary: format!(
                "not run: step {} ({}) failed",
                cause.number(),
                cause.title()
            ),
            checks: Vec::new(),
            remediation: Vec::new(),
            skipped_because: Some(cause),
        }
    }
}

/// Collects a step's checks and remedies; the step verdict is the worst check verdict.
#[derive(Debug)]
pub struct StepBuilder {
    id: StepId,
    checks: Vec<Check>,
    remediation: Vec<String>,
}

impl StepBuilder {
    /// Starts step `id`.
    pub fn new(id: StepId) -> Self {
        Self {
            id,
            checks: Vec::new(),
            remediation: Vec::new(),
        }
    }

    /// Records a check.
    pub fn check(&mut self, name: &str, verdict: Verdict, observed: impl Into<String>) {
        self.checks.push(Check {
            name: name.into(),
            verdict,
            observed: observed.into(),
            kind: None,
        });
    }

    /// Records a check with a machine-readable cause.
    pub fn check_kind(
        &mut self,
        name: &str,
        verdict: Verdict,
        observed: impl Into<String>,
        kind: impl Into<String>,
    ) {
        self.check(name, verdict, observed);
        if let Some(last) = self.checks.last_mut() {
            last.kind = Some(kind.into());
        }
    }

    /// Adds a remedy (duplicates are dropped: several checks may point to the same fix).
    pub fn remedy(&mut self, text: impl Into<String>) {
        let text = text.into();
        if !self.remediation.contains(&text) {
            self.remediation.push(text);
        }
    }

    /// The verdict so far.
    pub fn verdict(&self) -> Verdict {
        self.checks
            .iter()
            .map(|c| c.verdict)
            .filter(|v| *v != Verdict::Skipped)
            .max_by_key(|v| v.severity())
            .unwrap_or(Verdict::Pass)
    }

    /// The report, with `summary` as its one-line outcome.
    pub fn finish(self, summary: impl Into<String>) -> StepReport {
        let verdict = self.verdict();
        StepReport {
            step: self.id.number(),
            id: self.id,
            title: self.id.title().into(),
            verdict,
            summary: summary.into(),
            checks: self.checks,
            remediation: self.remediation,
            skipped_because: None,
        }
    }
}

/// The whole doctor run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Version of the `bcss` command.
    pub tool_version: &'static str,
    /// When the run started, seconds since the Unix epoch.
    pub checked_at: u64,
    /// The configuration file.
    pub config: String,
    /// `test`, `acpt` or `prod`.
    pub environment: String,
    /// `extranet` or `internet`.
    pub channel: String,
    /// The API whose `/health` was called, if any.
    pub api: Option<String>,
    /// The token endpoint's clock minus this machine's, in whole seconds, from the `Date`
    /// of its answer in step 4; `null` when step 4 did not run or no `Date` came.
    pub clock_offset_secs: Option<i64>,
    /// `fail` if any step failed, else `warn` if any warned, else `pass`.
    pub verdict: Verdict,
    /// The first step that failed: where the partner is stuck.
    pub first_failure: Option<StepId>,
    /// The five steps, in order.
    pub steps: Vec<StepReport>,
}

impl Report {
    /// Whether the exit status is 0: no step failed.
    pub fn ok(&self) -> bool {
        self.first_failure.is_none()
    }

    /// The report of one step.
    pub fn step(&self, id: StepId) -> Option<&StepReport> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// Overall verdict and first failure, from the steps.
    pub fn overall(steps: &[StepReport]) -> (Verdict, Option<StepId>) {
        let first_failure = steps
            .iter()
            .find(|s| s.verdict == Verdict::Fail)
            .map(|s| s.id);
        let verdict = if first_failure.is_some() {
            Verdict::Fail
        } else if steps.iter().any(|s| s.verdict == Verdict::Warn) {
            Verdict::Warn
        } else {
            Verdict::Pass
        };
        (verdict, first_failure)
    }

    /// The stable JSON form.
    pub fn to_json(&self) -> String {
        // Serialising plain strings, numbers and enums cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The text form, for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "bcss doctor: environment {}, channel {} ({})",
            self.environment, self.channel, self.config
        );
        for step in &self.steps {
            out.push('\n');
            out.push_str(&step_text(step));
        }
        let count = |v| self.steps.iter().filter(|s| s.verdict == v).count();
        let tally = format!(
            "{} pass, {} warn, {} fail, {} skipped",
            count(Verdict::Pass),
            count(Verdict::Warn),
            count(Verdict::Fail),
            count(Verdict::Skipped)
        );
        let _ = match self.first_failure {
            Some(id) => writeln!(
                out,
                "\nResult: FAIL at step {} ({}); {tally}.",
                id.number(),
                id.title()
            ),
            None => writeln!(out, "\nResult: {} ({tally}).", self.verdict.label()),
        };
        out
    }
}

/// One step as text: a heading line, its checks, its remedies.
pub fn step_text(step: &StepReport) -> String {
    let mut out = String::new();
    let heading = format!("[{}/5] {} ", step.step, step.title);
    let _ = writeln!(out, "{heading:.<50} {}", step.verdict.label());
    let _ = writeln!(out, "      {}", step.summary);
    for check in &step.checks {
        let mark = match check.verdict {
            Verdict::Pass => "ok  ",
            Verdict::Warn => "warn",
            Verdict::Fail => "FAIL",
            Verdict::Skipped => "--  ",
        };
        let _ = writeln!(out, "      {mark} {}: {}", check.name, check.observed);
    }
    for remedy in &step.remediation {
        let _ = writeln!(out, "      -> {remedy}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_takes_the_worst_verdict_of_its_checks_and_ignores_skipped_ones() {
        let mut b = StepBuilder::new(StepId::Certificates);
        b.check("a", Verdict::Pass, "fine");
        b.check("b", Verdict::Skipped, "n/a");
        assert_eq!(b.verdict(), Verdict::Pass);
        b.check("c", Verdict::Warn, "soon");
        assert_eq!(b.verdict(), Verdict::Warn);
        b.check("d", Verdict::Fail, "broken");
        b.remedy("fix it");
        b.remedy("fix it");
        let step = b.finish("broken");
        assert_eq!(step.verdict, Verdict::Fail);
        assert_eq!(step.remediation, vec!["fix it".to_string()]);
    }

    #[test]
    fn the_first_failing_step_is_reported_and_warnings_do_not_fail_the_run() {
        let mut warn = StepBuilder::new(StepId::Network);
        warn.check("x", Verdict::Warn, "slow");
        let steps = vec![
            warn.finish("slow"),
            StepReport::skipped(StepId::Infrastructure, StepId::Network),
        ];
        assert_eq!(Report::overall(&steps), (Verdict::Warn, None));
    }
}
