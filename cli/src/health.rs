//! `bcss health --api NAME`: the API's `/health`, with a token.

use bcss_runtime::{BcssClient, Health, HealthStatus};

use crate::args::{HealthArgs, OutputFormat};
use crate::error::CliError;

/// Calls `/{api}/health`.
pub async fn run(args: &HealthArgs) -> Result<Health, CliError> {
    let c = &args.config;
    let config = crate::config::load(&c.config, c.environment, c.channel)?;
    let client = BcssClient::new(&config)?;
    Ok(client.health(&args.api).await?)
}

/// Whether the status counts as usable (exit status 0).
pub fn is_up(health: &Health) -> bool {
    matches!(health.status, HealthStatus::Up | HealthStatus::Degraded)
}

/// The status in `format`.
pub fn render(api: &str, health: &Health, format: OutputFormat) -> String {
    if format == OutputFormat::Json {
        return serde_json::to_string_pretty(health).unwrap_or_default() + "\n";
    }
    let status = match &health.status {
        HealthStatus::Up => "UP",
        HealthStatus::Degraded => "DEGRADED",
        HealthStatus::Down => "DOWN",
        HealthStatus::Other(s) => s.as_str(),
    };
    format!(
        "{api}: {status} (HTTP {}, BelGov-Trace-Id {})\n",
        health.http_status, health.trace.sent
    )
}
