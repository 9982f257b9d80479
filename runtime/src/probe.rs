//! Connection probes for diagnosis (the `bcss doctor`): one HTTPS request to a URL with a chosen
//! TLS set-up, its failure classified exactly like every other runtime call.
//!
//! It exists because the classification ([`TransportError`]) is built from reqwest errors
//! inside the runtime; a diagnostic tool must not re-derive the cause from message text.

use std::time::{Duration, Instant};

use rustls_pki_types::CertificateDer;
use url::Url;

use crate::config::{Config, ConfigError};
use crate::identity::Identity;
use crate::transport::TransportError;

/// What a successful probe observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeOutcome {
    /// HTTP status of the answer (any status proves the TLS session worked).
    pub http_status: u16,
    /// The server's leaf certificate (DER), as the TLS session presented it.
    pub peer_certificate: Option<Vec<u8>>,
    /// The negotiated TLS version, e.g. `TLSv1.3`, when the backend reports it.
    pub tls_version: Option<String>,
    /// Time from sending to the response head.
    pub elapsed: Duration,
}

/// Why a probe could not run or failed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ProbeError {
    /// The TLS set-up could not be built from the configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The connection or the TLS handshake failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

/// `GET url` without a token, over TLS trusting `roots` (plus the system roots if configured),
/// presenting `identity` when the server asks for a client certificate. No retry; `timeout`
/// bounds connect, handshake and answer together.
pub async fn https_probe(
    config: &Config,
    roots: &[CertificateDer<'static>],
    identity: Option<&Identity>,
    url: &Url,
    timeout: Duration,
) -> Result<ProbeOutcome, ProbeError> {
    let tls = crate::tls::client_config(config, roots, identity)?;
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .tls_info(true)
        .connect_timeout(timeout)
        .timeout(timeout)
        // One fresh connection per probe: a pooled one would skip the handshake under test.
        .pool_max_idle_per_host(0)
        .user_agent(concat!("bcss-runtime-probe/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ConfigError {
            origin: config.origin.clone(),
            key: "tls".into(),
            message: format!("cannot build the HTTP client: {e}"),
        })?;
    let started = Instant::now();
    let response = http
        .get(url.clone())
        .send()
        .await
        .map_err(|e| TransportError::from_reqwest(e, identity.is_some()))?;
    let info = response.extensions().get::<reqwest::tls::TlsInfo>();
    Ok(ProbeOutcome {
        http_status: response.status().as_u16(),
        peer_certificate: info.and_then(|i| i.peer_certificate().map(<[u8]>::to_vec)),
        tls_version: info.and_then(|i| i.version()).map(version_name),
        elapsed: started.elapsed(),
    })
}

fn version_name(v: reqwest::tls::Version) -> String {
    use reqwest::tls::Version;
    match v {
        Version::TLS_1_3 => "TLSv1.3".into(),
        Version::TLS_1_2 => "TLSv1.2".into(),
        Version::TLS_1_1 => "TLSv1.1".into(),
        Version::TLS_1_0 => "TLSv1.0".into(),
        other => format!("{other:?}"),
    }
}
