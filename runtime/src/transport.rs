//! Connection-level failures, classified into what a partner can act on.
//!
//! reqwest/hyper wrap the rustls error deep inside a chain of `io::Error`s; the classification
//! walks that chain (including `io::Error::get_ref`, which `source()` skips).

use std::error::Error as StdError;
use std::fmt;

use rustls::{AlertDescription, CertificateError};

mod network;
mod seam;

pub use network::network_requests_sent;
pub(crate) use network::{NetworkTransport, count_network_request};
pub use seam::{Transport, TransportRequest, TransportResponse};

/// What kind of connection failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The host name does not resolve.
    Dns,
    /// Nothing accepted the TCP connection.
    ConnectionRefused,
    /// Connect or request timed out.
    Timeout,
    /// The server asked for a client certificate and none was sent.
    ClientCertificateRequired,
    /// The server rejected the client certificate (unknown CA, bad or expired certificate).
    ClientCertificateRejected,
    /// The server's certificate is not trusted (unknown issuer, wrong name, expired).
    ServerCertificateUntrusted,
    /// Another TLS handshake failure.
    TlsHandshake,
    /// The connection was closed or reset before a complete response.
    ConnectionClosed,
    /// Anything else.
    Other,
}

/// A connection failure with a plain-words hint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct TransportError {
    /// The category.
    pub kind: TransportErrorKind,
    /// The URL being called (no query string).
    pub url: String,
    /// The underlying error chain, flattened.
    pub message: String,
    /// What to check.
    pub hint: String,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}) — {}", self.message, self.url, self.hint)
    }
}

impl TransportError {
    /// Whether retrying the same request may succeed (an idempotent one).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::ConnectionRefused
                | TransportErrorKind::ConnectionClosed
                | TransportErrorKind::Timeout
        )
    }

    /// Classifies a reqwest error. `client_certificate_sent` says whether this client offered one.
    ///
    /// reqwest writes the URL it was given, filled path and query included, into its message
    /// (`error sending request for url (…)`): the URL is kept apart, without its query, in
    /// [`TransportError::url`] (which a gateway call replaces by its path template) and left out
    /// of the message, so that an SSIN in a path or a query never reaches an error or a log.
    pub(crate) fn from_reqwest(error: reqwest::Error, client_certificate_sent: bool) -> Self {
        let url = error
            .url()
            .map(|u| {
                let mut u = u.clone();
                u.set_query(None);
                u.to_string()
            })
            .unwrap_or_default();
        let error = error.without_url();
        let chain = chain_message(&error);
        let kind = classify(&error, &chain, client_certificate_sent);
        Self {
            kind,
            hint: hint(kind, client_certificate_sent).to_owned(),
            url,
            message: chain,
        }
    }
}

fn chain_message(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    walk(error, &mut |e| {
        let s = e.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    });
    parts.join(": ")
}

/// Visits `error` and everything below it, looking inside `io::Error` payloads.
fn walk(error: &(dyn StdError + 'static), visit: &mut dyn FnMut(&(dyn StdError + 'static))) {
    visit(error);
    if let Some(inner) = error
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        walk(inner, visit);
        return;
    }
    if let Some(source) = error.source() {
        walk(source, visit);
    }
}

fn classify(
    error: &reqwest::Error,
    chain: &str,
    client_certificate_sent: bool,
) -> TransportErrorKind {
    use TransportErrorKind as K;
    let mut tls: Option<K> = None;
    let mut io_kind = None;
    walk(error, &mut |e| {
        if let Some(t) = e.downcast_ref::<rustls::Error>() {
            tls.get_or_insert(classify_tls(t));
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
    });
    if let Some(kind) = tls.or_else(|| alert_in_text(chain)) {
        return kind;
    }
    if error.is_timeout() {
        return K::Timeout;
    }
    let lower = chain.to_ascii_lowercase();
    if lower.contains("dns error") || lower.contains("failed to lookup address") {
        return K::Dns;
    }
    match io_kind {
        Some(std::io::ErrorKind::ConnectionRefused) => return K::ConnectionRefused,
        Some(std::io::ErrorKind::TimedOut) => return K::Timeout,
        _ => {}
    }
    let closed = lower.contains("connection closed")
        || lower.contains("connection reset")
        || lower.contains("broken pipe")
        || lower.contains("not ready")
        || lower.contains("canceled")
        || lower.contains("unexpected eof")
        || lower.contains("incomplete message")
        // HTTP/2: the server reset the stream (the h2 form of a dropped response).
        || lower.contains("stream error")
        || lower.contains("error reading a body");
    if closed {
        // Under TLS 1.3 the server rejects a missing client certificate after the client
        // considers the handshake done, so the client only sees the connection die.
        if !client_certificate_sent && error.is_connect() {
            return K::ClientCertificateRequired;
        }
        return K::ConnectionClosed;
    }
    K::Other
}

/// h2 keeps only the text of an I/O error, so over HTTP/2 a TLS alert arrives as
/// "received fatal alert: UnknownCA" with no typed error left to downcast.
fn alert_in_text(chain: &str) -> Option<TransportErrorKind> {
    let name = chain.split("received fatal alert: ").nth(1)?;
    let name: String = name
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let alert = [
        AlertDescription::CertificateRequired,
        AlertDescription::UnknownCA,
        AlertDescription::BadCertificate,
        AlertDescription::CertificateExpired,
        AlertDescription::CertificateRevoked,
        AlertDescription::CertificateUnknown,
        AlertDescription::AccessDenied,
        AlertDescription::HandshakeFailure,
    ]
    .into_iter()
    .find(|a| format!("{a:?}") == name)?;
    Some(classify_tls(&rustls::Error::AlertReceived(alert)))
}

fn classify_tls(error: &rustls::Error) -> TransportErrorKind {
    use TransportErrorKind as K;
    match error {
        rustls::Error::AlertReceived(AlertDescription::CertificateRequired) => {
            K::ClientCertificateRequired
        }
        rustls::Error::AlertReceived(
            AlertDescription::UnknownCA
            | AlertDescription::BadCertificate
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateUnknown
            | AlertDescription::AccessDenied,
        ) => K::ClientCertificateRejected,
        rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer
            | CertificateError::NotValidForName
            | CertificateError::NotValidForNameContext { .. }
            | CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::BadSignature
            | CertificateError::Revoked
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. }
            | CertificateError::Other(_),
        ) => K::ServerCertificateUntrusted,
        _ => K::TlsHandshake,
    }
}

fn hint(kind: TransportErrorKind, client_certificate_sent: bool) -> &'static str {
    use TransportErrorKind as K;
    match kind {
        K::Dns => {
            "the host name does not resolve: extranet hosts resolve only from the Social Security Extranet (leased line, secondary network or IPsec VPN); otherwise use the internet channel"
        }
        K::ConnectionRefused => {
            "nothing accepted the connection: check the port, and for the extranet that the firewall flux to port 4543 is open (see `bcss flux-form`)"
        }
        K::Timeout => {
            "no answer in time: on the extranet this is usually a firewall flux that is not open yet (see `bcss flux-form`); otherwise raise [timeouts]"
        }
        K::ClientCertificateRequired if client_certificate_sent => {
            "the server asked for a client certificate (mutual TLS) and did not get a usable one"
        }
        K::ClientCertificateRequired => {
            "the server requires a client certificate (mutual TLS) and none was sent: configure the identity for this environment and enable [tls] mtls_gateway"
        }
        K::ClientCertificateRejected => {
            "the server rejected our client certificate (unknown CA, expired or not allowed): use the certificate issued for this environment and registered with BCSS"
        }
        K::ServerCertificateUntrusted => {
            "the server's certificate is not trusted: check the host name, add its CA to [tls] extra_ca, or look for a TLS-intercepting proxy"
        }
        K::TlsHandshake => "the TLS handshake failed: check the TLS settings on both sides",
        K::ConnectionClosed => {
            "the connection was closed before a complete answer: retry; if it persists, the gateway or a proxy drops it"
        }
        K::Other => "the request could not be sent",
    }
}
