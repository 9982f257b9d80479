//! Runtime for clients of the BCSS (KSZ-BCSS / CBSS) REST services.
//!
//! It turns a [`Config`] (a `bcss.toml`, `BCSS_*` variables, or code) into a [`BcssClient`] that:
//! - obtains access tokens from the Smals OAuth v5 server with a client assertion signed by the
//!   partner's X.509 key (RFC 7523 `private_key_jwt`, client credentials grant), caches them per
//!   scope set, refreshes them ahead of expiry and fetches them single-flight;
//! - calls the gateway of the chosen [`Environment`] and [`Channel`] over TLS, presenting the
//!   client certificate (mutual TLS) where the channel asks for it;
//! - sends a fresh `BelGov-Trace-Id` per attempt, parses Belgif problems into [`Problem`],
//!   retries what is safe to retry, and checks `/health`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), bcss_runtime::Error> {
//! let config = bcss_runtime::Config::load("bcss.toml".as_ref())?;
//! let client = bcss_runtime::BcssClient::new(&config)?;
//! let health = client.health("demo/v1").await?;
//! let person: serde_json::Value = client.get("/demo/v1/persons/00000000097").send_json().await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod assertion;
mod budget;
mod call;
mod client;
mod clock;
pub mod config;
mod discovery;
pub mod environment;
mod error;
pub mod health;
pub mod identity;
pub mod interceptor;
pub mod multipart;
pub mod observe;
mod options;
pub mod pages;
pub mod params;
pub mod probe;
pub mod problem;
mod response;
pub mod retry;
mod secret;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tls;
pub mod token;
pub mod transport;
pub mod types;

pub use assertion::ClientAssertion;
pub use budget::RetryBudgetSettings;
pub use call::RequestPreview;
pub use client::{BcssClient, RequestBuilder};
pub use config::{Config, ConfigError};
pub use environment::{Channel, Endpoints, Environment};
pub use error::{Error, ErrorKind};
pub use health::{Health, HealthStatus};
pub use identity::{Identity, IdentityError};
pub use interceptor::Interceptor;
pub use options::CallOptions;
pub use problem::{InputValidationIssue, IssueType, Problem, ProblemType};
pub use response::{ApiResponse, RELATED_TRACE_ID, Response, TRACE_ID, TraceInfo};
pub use retry::RetryPolicy;
pub use secret::SecretString;
pub use token::{AccessToken, ScopeSet, TokenError, TokenProvider};
pub use transport::{
    Transport, TransportError, TransportErrorKind, TransportRequest, TransportResponse,
};

/// Crates whose types appear in generated clients, re-exported so that a generated crate needs
/// no direct dependency on them (and always gets the versions the runtime was built with).
pub mod exports {
    pub use bytes;
    pub use chrono;
    pub use futures_util;
    pub use http;
    pub use serde;
    pub use serde_json;
    pub use uuid;
}

/// Checks a LegalContext value against the partner annex's allow-list before a request is sent.
pub fn check_legal_context(
    value: Option<&str>,
    allowed: &[&str],
    required: bool,
) -> Result<(), Error> {
    match value {
        None if required => Err(ErrorKind::InvalidRequest(
            "a LegalContext is required and none was given (and the partner annex names no default)".into(),
        )
        .into()),
        None => Ok(()),
        Some(v) if allowed.is_empty() || allowed.contains(&v) => Ok(()),
        Some(v) => Err(ErrorKind::InvalidRequest(format!(
            "LegalContext `{v}` is not authorised by the partner annex (allowed: {}); nothing was sent",
            allowed.join(", ")
        ))
        .into()),
    }
}

/// Installs aws-lc-rs as the process-wide rustls provider if none is installed. The runtime
/// never relies on it (it passes its provider explicitly); binaries and tests that also build
/// servers call this so that no other crate's auto-detection can pick a second backend.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}
