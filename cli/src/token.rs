//! `bcss token`: obtains a token and prints what it grants. The token itself is a bearer
//! secret, so it is printed only when asked with `--show`.

use std::fmt::Write as _;

use bcss_runtime::{BcssClient, ScopeSet};
use serde::Serialize;

use crate::args::{OutputFormat, TokenArgs};
use crate::error::CliError;

/// What `bcss token` reports.
#[derive(Serialize)]
pub struct TokenReport {
    /// The client-id used.
    pub client_id: String,
    /// `test`, `acpt` or `prod`.
    pub environment: String,
    /// The token endpoint called.
    pub token_endpoint: String,
    /// Scopes the server granted.
    pub scopes: Vec<String>,
    /// `expires_in`, seconds.
    pub expires_in: u64,
    /// Length of the token, so that "it is there" can be seen without showing it.
    pub token_length: usize,
    /// The token, with `--show` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl std::fmt::Debug for TokenReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenReport")
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("expires_in", &self.expires_in)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// Obtains the token.
pub async fn run(args: &TokenArgs) -> Result<TokenReport, CliError> {
    let c = &args.config;
    let config = crate::config::load(&c.config, c.environment, c.channel)?;
    let client = BcssClient::new(&config)?;
    let scopes = if args.scopes.is_empty() {
        ScopeSet::new(config.token.scopes.iter().cloned())
    } else {
        ScopeSet::new(args.scopes.iter().cloned())
    };
    let tokens = client.tokens().ok_or_else(|| {
        bcss_runtime::Error::from(bcss_runtime::TokenError::Aborted(
            "this client obtains no token (in memory)".into(),
        ))
    })?;
    let token = tokens
        .token_for(&scopes)
        .await
        .map_err(bcss_runtime::Error::from)?;
    Ok(TokenReport {
        client_id: tokens.client_id().to_owned(),
        environment: config.environment.to_string(),
        token_endpoint: client.endpoints().token_endpoint.to_string(),
        scopes: token.scopes().to_vec(),
        expires_in: token.lifetime().as_secs(),
        token_length: token.expose().len(),
        token: args.show.then(|| token.expose().to_owned()),
    })
}

/// The report in `format`.
pub fn render(report: &TokenReport, format: OutputFormat) -> String {
    if format == OutputFormat::Json {
        return serde_json::to_string_pretty(report).unwrap_or_default() + "\n";
    }
    let mut out = String::new();
    let _ = writeln!(out, "client-id        {}", report.client_id);
    let _ = writeln!(out, "environment      {}", report.environment);
    let _ = writeln!(out, "token endpoint   {}", report.token_endpoint);
    let scopes = if report.scopes.is_empty() {
        "(none listed)".to_owned()
    } else {
        report.scopes.join(" ")
    };
    let _ = writeln!(out, "scopes granted   {scopes}");
    let _ = writeln!(out, "expires in       {} s", report.expires_in);
    match &report.token {
        Some(token) => {
            let _ = writeln!(out, "token            {token}");
        }
        None => {
            let _ = writeln!(
                out,
                "token            ******** ({} characters; --show prints it)",
                report.token_length
            );
        }
    }
    out
}
