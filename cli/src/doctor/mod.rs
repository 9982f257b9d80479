//! `bcss doctor`: walks the five access steps of the KSZ-BCSS onboarding document for one
//! environment and channel, and says which one fails and what to do about it.
//!
//! Steps run in the document's order, except that the certificate check (local, instant) is
//! computed before step 2: mutual TLS is only tried with a certificate known to be usable, so
//! that an expired certificate or a wrong key is reported at step 3, where it belongs, rather
//! than as an unexplained TLS alert at step 2.

pub mod access;
pub mod certificates;
pub mod infrastructure;
pub mod network;
pub mod report;
pub mod service;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bcss_runtime::{Channel, Environment};

use crate::annex::Annex;
use crate::error::CliError;
use report::{Report, StepId, StepReport, Verdict};

/// What to check.
#[derive(Clone, Debug)]
pub struct DoctorOptions {
    /// The `bcss.toml`.
    pub config: PathBuf,
    /// Overrides the file's environment.
    pub environment: Option<Environment>,
    /// Overrides the file's channel.
    pub channel: Option<Channel>,
    /// The API whose `/health` step 5 calls (e.g. `demo/v1`).
    pub api: Option<String>,
    /// The partner annex whose scopes step 4 compares with the granted ones.
    pub annex: Option<PathBuf>,
    /// Scopes to request instead of the configured ones.
    pub scopes: Vec<String>,
    /// Bound on each DNS lookup, connection and handshake.
    pub timeout: Duration,
}

impl DoctorOptions {
    /// Defaults for `config`: the file's environment and channel, no API, 5 s timeouts.
    pub fn new(config: impl Into<PathBuf>) -> Self {
        Self {
            config: config.into(),
            environment: None,
            channel: None,
            api: None,
            annex: None,
            scopes: Vec::new(),
            timeout: Duration::from_secs(5),
        }
    }
}

/// Told about each step as it starts and ends (the terminal progress line).
pub trait Progress {
    /// Step `id` starts.
    fn started(&mut self, id: StepId);
    /// Step `id` ended with `report`.
    fn finished(&mut self, report: &StepReport);
}

/// No progress output (piped output, JSON, tests).
#[derive(Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn started(&mut self, _: StepId) {}
    fn finished(&mut self, _: &StepReport) {}
}

/// Runs the doctor. An error means it could not start (configuration file or annex unusable);
/// every problem met while checking is a step verdict in the report instead.
pub async fn run(options: &DoctorOptions, progress: &mut dyn Progress) -> Result<Report, CliError> {
    let config = crate::config::load(&options.config, options.environment, options.channel)?;
    let annex = options.annex.as_deref().map(Annex::load).transpose()?;
    let checked_at = SystemTime::now();
    let mut steps: Vec<StepReport> = Vec::with_capacity(5);

    progress.started(StepId::Network);
    let (net, _reach) = network::run(&config, options.timeout).await;
    progress.finished(&net);
    steps.push(net);

    // Local and instant: computed now, reported as step 3.
    let (certs, identity) = certificates::run(&config, checked_at);

    progress.started(StepId::Infrastructure);
    let infra = match blocked_by(StepId::Infrastructure, &steps, &certs) {
        Some(cause) => StepReport::skipped(StepId::Infrastructure, cause),
        None => infrastructure::run(&config, identity.as_ref(), options.timeout).await,
    };
    progress.finished(&infra);
    steps.push(infra);

    progress.started(StepId::Certificates);
    progress.finished(&certs);
    steps.push(certs.clone());

    progress.started(StepId::AccessManagement);
    let access::Access {
        report: access,
        client,
        clock_offset_secs,
    } = match blocked_by(StepId::AccessManagement, &steps, &certs) {
        Some(cause) => access::Access::without_client(
            StepReport::skipped(StepId::AccessManagement, cause),
            None,
        ),
        None => access::run(&config, &options.scopes, annex.as_ref()).await,
    };
    progress.finished(&access);
    steps.push(access);

    progress.started(StepId::ServiceAccess);
    let service = match (blocked_by(StepId::ServiceAccess, &steps, &certs), &client) {
        (None, Some(client)) => service::run(client, options.api.as_deref()).await,
        (Some(cause), _) => StepReport::skipped(StepId::ServiceAccess, cause),
        (None, None) => StepReport::skipped(StepId::ServiceAccess, StepId::AccessManagement),
    };
    progress.finished(&service);
    steps.push(service);

    let (verdict, first_failure) = Report::overall(&steps);
    Ok(Report {
        schema: report::SCHEMA,
        tool_version: env!("CARGO_PKG_VERSION"),
        checked_at: checked_at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        config: options.config.display().to_string(),
        environment: config.environment.to_string(),
        channel: config.channel.to_string(),
        api: options.api.clone(),
        clock_offset_secs: clock_offset_secs.map(|s| s.round() as i64),
        verdict,
        first_failure,
        steps,
    })
}

/// The earlier step that failed and makes `id` pointless, if any. A dependency that was itself
/// skipped passes on its own cause, so the report always names the step that really failed.
fn blocked_by(id: StepId, done: &[StepReport], certs: &StepReport) -> Option<StepId> {
    id.depends_on().iter().find_map(|dep| {
        let report = if *dep == StepId::Certificates {
            Some(certs)
        } else {
            done.iter().find(|s| s.id == *dep)
        }?;
        match report.verdict {
            Verdict::Fail => Some(report.id),
            Verdict::Skipped => report.skipped_because,
            _ => None,
        }
    })
}
