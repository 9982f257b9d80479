//! What the corpus run prints: a line per contract and the summary line.

use std::collections::BTreeMap;

use super::clippy::FirstError;
use super::expected::{Clippy, Generation, Outcome};

/// One contract's run.
pub struct Row {
    /// Its path in the corpus folder.
    pub contract: String,
    pub generated: Option<Generated>,
    pub generation: Generation,
    /// The refusal or the panic, as shown.
    pub said: String,
    pub clippy: Clippy,
    pub first_error: Option<FirstError>,
}

pub struct Generated {
    pub crate_name: String,
    pub summary: String,
    pub warnings: usize,
}

impl Row {
    pub fn new(contract: String) -> Self {
        Self {
            contract,
            generated: None,
            generation: Generation::Clean,
            said: String::new(),
            clippy: Clippy::NotRun,
            first_error: None,
        }
    }

    pub fn outcome(&self) -> Outcome {
        Outcome {
            generation: self.generation.clone(),
            clippy: self.clippy.clone(),
        }
    }
}

/// The outcome column of the table.
pub fn describe(row: &Row) -> String {
    let Some(g) = &row.generated else {
        return match row.generation {
            Generation::Failed(_) => format!("FAILED: {}", row.said),
            _ => format!("refused: {}", row.said.lines().next().unwrap_or_default()),
        };
    };
    let mut text = format!("generated {} ({})", g.crate_name, g.summary);
    if let Generation::Warnings(codes) = &row.generation {
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        text += &format!(", {} warnings [{}]", g.warnings, codes.join(", "));
    }
    match &row.first_error {
        Some(first) => {
            // Cargo names the file from the temporary workspace's root.
            let prefix = format!("crates/{}/", g.crate_name);
            let at = first.at.strip_prefix(&prefix).unwrap_or(&first.at);
            text += &format!(", CLIPPY FAILS: {} at {at}", first.lint);
        }
        None => text += ", clippy clean",
    }
    text
}

/// "N contracts: G generated (C pass clippy -D warnings), W with warnings, D refused (by
/// reason: …), F failed".
pub fn summary(rows: &[Row]) -> String {
    let generated = rows.iter().filter(|r| r.generated.is_some()).count();
    let pass = rows.iter().filter(|r| r.clippy == Clippy::Pass).count();
    let warned = rows
        .iter()
        .filter(|r| matches!(r.generation, Generation::Warnings(_)))
        .count();
    let failed = rows
        .iter()
        .filter(|r| matches!(r.generation, Generation::Failed(_)))
        .count();
    let mut reasons = BTreeMap::new();
    for row in rows {
        if let Generation::Refused(reason) = &row.generation {
            *reasons.entry(short(reason)).or_insert(0) += 1;
        }
    }
    let refused: usize = reasons.values().sum();
    let mut reasons: Vec<(String, usize)> = reasons.into_iter().collect();
    // Most frequent first; the table above has each contract's full reason.
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let by_reason = if reasons.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = reasons.iter().map(|(r, n)| format!("{r}: {n}")).collect();
        format!(" (by reason: {})", list.join(", "))
    };
    format!(
        "{} contracts: {generated} generated ({pass} pass clippy -D warnings), {warned} with \
         warnings, {refused} refused{by_reason}, {failed} failed",
        rows.len()
    )
}

/// A reason cut to fit the summary line (diagnostics without a code are whole messages).
fn short(reason: &str) -> String {
    const MAX: usize = 48;
    match reason.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &reason[..end]),
        None => reason.to_string(),
    }
}

/// The expected-outcomes file's header comment.
pub fn header(shown_dir: &str) -> String {
    format!(
        "Expected outcomes of `cargo xtask corpus {shown_dir}`, one row per contract (its path in \
         that folder).\n\
         outcome: clean | warnings (detail: the warnings' kinds, Diagnostic::code) | refused \
         (detail: the error's code, or its message's first line) | failed (the generator panicked).\n\
         clippy: `cargo clippy -- -D warnings` on the generated crate: pass | fail:LINTS | - (nothing generated).\n\
         The run fails on any difference, better or worse. To update: \
         `cargo xtask corpus {shown_dir} --bless`,\n\
         review the diff, and commit it with the change that caused it."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(contract: &str, generation: Generation, clippy: Clippy) -> Row {
        let generated = clippy != Clippy::NotRun;
        Row {
            generated: generated.then(|| Generated {
                crate_name: "corpus-00".into(),
                summary: String::new(),
                warnings: 1,
            }),
            generation,
            clippy,
            ..Row::new(contract.into())
        }
    }

    #[test]
    fn the_summary_counts_each_outcome_and_groups_refusals_by_reason() {
        let swagger = || Generation::Refused("Swagger 2.0 is not supported".into());
        let rows = [
            row("a", Generation::Clean, Clippy::Pass),
            row(
                "b",
                Generation::Warnings(["webhooks".to_string()].into()),
                Clippy::Fail(["clippy::large_enum_variant".to_string()].into()),
            ),
            row("c", swagger(), Clippy::NotRun),
            row("d", swagger(), Clippy::NotRun),
            row(
                "e",
                Generation::Refused("unknown type `foo`".into()),
                Clippy::NotRun,
            ),
            row("f", Generation::Failed("panic".into()), Clippy::NotRun),
        ];
        assert_eq!(
            summary(&rows),
            "6 contracts: 2 generated (1 pass clippy -D warnings), 1 with warnings, 3 refused \
             (by reason: Swagger 2.0 is not supported: 2, unknown type `foo`: 1), 1 failed"
        );
    }

    #[test]
    fn a_long_reason_is_cut_in_the_summary() {
        let long = "a".repeat(60);
        assert_eq!(short(&long).chars().count(), 49);
        assert!(short(&long).ends_with('…'));
        assert_eq!(short("short"), "short");
    }
}
