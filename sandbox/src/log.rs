//! The request log: one entry per request on the auth and gateway listeners, which tests read
//! to assert what a client actually sent. Secrets never get in: the Authorization value is
//! masked, form values other than grant_type / client_assertion_type / scope are not kept,
//! and client assertions are kept only as their decoded header and claims.

use http::HeaderMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Oldest entries are dropped beyond this many, so a long-running sandbox has bounded memory.
pub const LOG_CAPACITY: usize = 100_000;

/// Which listener received a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Listener {
    Auth,
    GatewayMtls,
    GatewayTls,
    Admin,
}

impl Listener {
    pub fn as_str(self) -> &'static str {
        match self {
            Listener::Auth => "auth",
            Listener::GatewayMtls => "gateway_mtls",
            Listener::GatewayTls => "gateway_tls",
            Listener::Admin => "admin",
        }
    }
}

/// One request as the sandbox saw it, and how it answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Monotonic, starting at 1; not reset by clearing the log.
    pub seq: u64,
    pub listener: Listener,
    pub method: String,
    /// Path with query string.
    pub path: String,
    /// Lower-case header names; `authorization` masked as `Bearer [redacted]` / `Basic [redacted]`.
    pub headers: BTreeMap<String, String>,
    /// The request's `BelGov-Trace-Id`, if any.
    pub trace_id: Option<String>,
    /// Subject DN of the TLS client certificate, if one was presented.
    pub client_certificate: Option<String>,
    /// Status answered; 0 when the connection was dropped on purpose (fault).
    pub status: u16,
    /// "ok", the OAuth error code, the Belgif problem short name, or "fault:<kind>".
    pub outcome: String,
    /// Why, in words; never contains secrets.
    pub detail: Option<String>,
    /// For token endpoint requests: what the client sent, minus secrets.
    pub token: Option<TokenRequestInfo>,
    /// Gateway: the `jti` of the bearer token presented (never the token itself).
    pub access_token_id: Option<String>,
    /// Gateway, served contracts: the LegalContext the request carried (header, query
    /// parameter or body property, as the operation declares it).
    #[serde(default)]
    pub legal_context: Option<String>,
    /// Gateway, served contracts: the parts of a `multipart/form-data` body, as framed by the
    /// client (names and media types only; the content is not kept).
    #[serde(default)]
    pub body_parts: Vec<BodyPart>,
}

/// One part of a multipart request body, without its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyPart {
    pub name: String,
    /// Whether the part is a file (has a `filename`). The file name itself is not kept: a
    /// partner's file names may carry personal data (`85073003328.pdf`).
    pub file: bool,
    pub content_type: Option<String>,
}

/// The non-secret parts of a token request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenRequestInfo {
    pub grant_type: Option<String>,
    pub client_assertion_type: Option<String>,
    pub scope: Option<String>,
    /// Decoded JOSE header of the client assertion.
    pub assertion_header: Option<serde_json::Value>,
    /// Decoded claims of the client assertion (never the signature or the raw assertion).
    pub assertion_claims: Option<serde_json::Value>,
    /// Names of all form parameters sent, in order (values are not kept).
    pub form_keys: Vec<String>,
}

/// What a handler knows about a request before it decides the answer.
#[derive(Clone, Debug)]
pub struct RequestFacts {
    pub listener: Listener,
    pub method: String,
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub trace_id: Option<String>,
    pub client_certificate: Option<String>,
}

impl RequestFacts {
    pub fn new(
        listener: Listener,
        method: &http::Method,
        uri: &http::Uri,
        headers: &HeaderMap,
        client_certificate: Option<String>,
    ) -> RequestFacts {
        let path = uri
            .path_and_query()
            .map(|pq| pq.as_str().to_string())
            .unwrap_or_else(|| uri.path().to_string());
        RequestFacts {
            listener,
            method: method.as_str().to_string(),
            path,
            headers: masked_headers(headers),
            trace_id: header_str(headers, "belgov-trace-id"),
            client_certificate,
        }
    }
}

/// How a request ended, filled in by the handler that answered it.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub status: u16,
    pub outcome: String,
    pub detail: Option<String>,
    pub token: Option<TokenRequestInfo>,
    pub access_token_id: Option<String>,
    pub legal_context: Option<String>,
    pub body_parts: Vec<BodyPart>,
}

impl Outcome {
    pub fn new(status: u16, outcome: impl Into<String>, detail: Option<String>) -> Outcome {
        Outcome {
            status,
            outcome: outcome.into(),
            detail,
            ..Outcome::default()
        }
    }
}

/// The bounded log itself.
#[derive(Default)]
pub struct RequestLog {
    entries: VecDeque<LogEntry>,
    next_seq: u64,
}

impl RequestLog {
    /// Appends an entry, writes the one-line tracing record, and returns the entry.
    pub fn record(&mut self, facts: RequestFacts, outcome: Outcome) -> LogEntry {
        self.next_seq += 1;
        let entry = LogEntry {
            seq: self.next_seq,
            listener: facts.listener,
            method: facts.method,
            path: facts.path,
            headers: facts.headers,
            trace_id: facts.trace_id,
            client_certificate: facts.client_certificate,
            status: outcome.status,
            outcome: outcome.outcome,
            detail: outcome.detail,
            token: outcome.token,
            access_token_id: outcome.access_token_id,
            legal_context: outcome.legal_context,
            body_parts: outcome.body_parts,
        };
        tracing::info!(
            seq = entry.seq,
            listener = entry.listener.as_str(),
            method = %entry.method,
            path = %entry.path,
            status = entry.status,
            outcome = %entry.outcome,
            detail = entry.detail.as_deref().unwrap_or(""),
            trace_id = entry.trace_id.as_deref().unwrap_or(""),
            client_cert = entry.client_certificate.as_deref().unwrap_or(""),
            "request"
        );
        if self.entries.len() >= LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry.clone());
        entry
    }

    pub fn entries(&self) -> Vec<LogEntry> {
        self.entries.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Headers as the log keeps them: lower-case names, multiple values joined with ", ", the
/// credential part of `Authorization` masked.
pub fn masked_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let name = name.as_str().to_ascii_lowercase();
        let value = if name == "authorization" || name == "proxy-authorization" {
            mask_credentials(value.as_bytes())
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        out.entry(name)
            .and_modify(|existing| {
                existing.push_str(", ");
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

/// Keeps the scheme of a credentials header, never the credentials.
fn mask_credentials(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    match text.split_whitespace().next() {
        Some(scheme) if text.trim() != scheme => format!("{scheme} [redacted]"),
        _ => "[redacted]".to_string(),
    }
}

/// A header's value as text, if present and valid UTF-8.
pub fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}
