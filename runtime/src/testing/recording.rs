//! The recording file: pretty JSON, reviewable in a pull request, written atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::redact::{Redactor, SsinSink};
use crate::transport::{TransportError, TransportErrorKind, TransportRequest, TransportResponse};

/// The `format` of the files this version writes and reads.
pub const FORMAT: &str = "bcss-recording/1";

/// A recording or replay file that cannot be written or read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("recording `{}`: {message}", path.display())]
pub struct RecordingError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong and what to do.
    pub message: String,
}

impl RecordingError {
    fn new(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            message: message.into(),
        }
    }
}

/// The exchanges of a session, redacted ([`super::Redactor`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Recording {
    /// [`FORMAT`].
    pub format: String,
    /// What was removed, pseudonymised or masked, for the reviewer.
    pub redacted: Vec<String>,
    /// Every attempt, in the order the answers came.
    pub exchanges: Vec<RecordedExchange>,
}

/// One attempt: the request and its answer, or the connection failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedExchange {
    /// The contract's operationId (none for a hand-written request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The path template (`/persons/{ssinRef}`).
    pub template: String,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The request.
    pub request: RecordedRequest,
    /// The answer, if one came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<RecordedResponse>,
    /// The connection failure, if no answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<RecordedFault>,
}

/// A request, without the gateway's origin (it replays in any environment).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The path under the gateway, as sent.
    pub path: String,
    /// The query parameters, decoded, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// The headers kept, by lower-case name (compared on replay, trace headers aside).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
}

/// An answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedResponse {
    /// The status.
    pub status: u16,
    /// The headers kept, by lower-case name.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
}

/// A connection failure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedFault {
    /// [`TransportErrorKind`] in snake case (`timeout`, `connection_closed`…).
    pub kind: String,
    /// The error's message.
    pub message: String,
    /// The error's hint.
    #[serde(default)]
    pub hint: String,
}

/// A body: JSON as a value, text as a string, bytes as base64 — or left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// A JSON body (a `…json` content type).
    Json(Value),
    /// A text body.
    Text(String),
    /// Binary, kept ([`Redactor::keep_binary_bodies`]).
    Base64(String),
    /// Binary, left out: what it was. Replayed as an empty body.
    Omitted(String),
}

impl Body {
    fn redacted(
        bytes: &[u8],
        headers: &HeaderMap,
        redactor: &Redactor,
        sink: &mut dyn SsinSink,
    ) -> Option<Self> {
        if bytes.is_empty() {
            return None;
        }
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if content_type.contains("json")
            && let Ok(value) = serde_json::from_slice::<Value>(bytes)
        {
            return Some(Self::Json(redactor.json(&value, sink)));
        }
        if let Ok(text) = std::str::from_utf8(bytes) {
            return Some(Self::Text(redactor.text(text, sink, "body")));
        }
        Some(if redactor.keeps_binary() {
            Self::Base64(BASE64.encode(bytes))
        } else {
            Self::Omitted(format!("{} bytes of `{content_type}`", bytes.len()))
        })
    }

    /// The bytes to answer with.
    pub(crate) fn bytes(&self) -> Bytes {
        match self {
            Self::Json(v) => serde_json::to_vec(v).unwrap_or_default().into(),
            Self::Text(t) => Bytes::from(t.clone()),
            Self::Base64(b) => BASE64.decode(b).unwrap_or_default().into(),
            Self::Omitted(_) => Bytes::new(),
        }
    }
}

impl RecordedRequest {
    /// `request` with the redactor's rules, SSINs going to `sink`.
    pub(crate) fn redacted(
        request: &TransportRequest,
        redactor: &Redactor,
        sink: &mut dyn SsinSink,
    ) -> Self {
        let path = redactor.text(&request.path, sink, "path");
        let query = request
            .url
            .query_pairs()
            .map(|(k, v)| {
                let ssin_key = k.to_ascii_lowercase().contains("ssin");
                let at = format!("query `{k}`");
                let v = redactor.scalar(&v, ssin_key, sink, &at);
                (redactor.text(&k, sink, "query name"), v)
            })
            .collect();
        let headers = redactor.headers(&request.headers, sink);
        let body = request
            .body
            .as_ref()
            .and_then(|b| Body::redacted(b, &request.headers, redactor, sink));
        Self {
            method: request.method.to_string(),
            path,
            query,
            headers,
            body,
        }
    }
}

impl RecordedResponse {
    pub(crate) fn redacted(
        response: &TransportResponse,
        redactor: &Redactor,
        sink: &mut dyn SsinSink,
    ) -> Self {
        Self {
            status: response.status.as_u16(),
            headers: redactor.headers(&response.headers, sink),
            body: Body::redacted(&response.body, &response.headers, redactor, sink),
        }
    }

    /// The answer to give back.
    pub(crate) fn to_transport(&self) -> TransportResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = TransportResponse::new(status, Bytes::new());
        for (name, value) in &self.headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                response.headers.append(n, v);
            }
        }
        response.body = self.body.as_ref().map(Body::bytes).unwrap_or_default();
        response
    }
}

const FAULT_KINDS: [TransportErrorKind; 9] = [
    TransportErrorKind::Dns,
    TransportErrorKind::ConnectionRefused,
    TransportErrorKind::Timeout,
    TransportErrorKind::ClientCertificateRequired,
    TransportErrorKind::ClientCertificateRejected,
    TransportErrorKind::ServerCertificateUntrusted,
    TransportErrorKind::TlsHandshake,
    TransportErrorKind::ConnectionClosed,
    TransportErrorKind::Other,
];

fn kind_name(kind: TransportErrorKind) -> String {
    match serde_json::to_value(kind) {
        Ok(Value::String(s)) => s,
        _ => "other".into(),
    }
}

pub(crate) fn kind_of(name: &str) -> Option<TransportErrorKind> {
    FAULT_KINDS.into_iter().find(|k| kind_name(*k) == name)
}

impl RecordedFault {
    pub(crate) fn redacted(
        error: &TransportError,
        redactor: &Redactor,
        sink: &mut dyn SsinSink,
    ) -> Self {
        Self {
            kind: kind_name(error.kind),
            message: redactor.text(&error.message, sink, "fault message"),
            hint: redactor.text(&error.hint, sink, "fault hint"),
        }
    }
}

impl Recording {
    /// An empty recording noting `redactor`'s rules.
    pub fn new(redactor: &Redactor) -> Self {
        Self {
            format: FORMAT.into(),
            redacted: redactor.note(),
            exchanges: Vec::new(),
        }
    }

    /// Reads and checks a recording file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, RecordingError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            RecordingError::new(
                path,
                format!(
                    "cannot be read ({e}): record it first with `bcss_runtime::testing::record`"
                ),
            )
        })?;
        Self::parse(&text, path)
    }

    /// Parses and checks the text of a recording; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, RecordingError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| RecordingError::new(path, format!("is not JSON: {e}")))?;
        match value.get("format").and_then(Value::as_str) {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(RecordingError::new(
                    path,
                    format!(
                        "format `{other}` is not `{FORMAT}`: record it again with this version"
                    ),
                ));
            }
            None => {
                return Err(RecordingError::new(
                    path,
                    format!(
                        "no `format` field: not a recording (`{FORMAT}`) written by `bcss_runtime::testing::record`"
                    ),
                ));
            }
        }
        let recording: Self = serde_path_to_error::deserialize(value)
            .map_err(|e| RecordingError::new(path, format!("at `{}`: {}", e.path(), e.inner())))?;
        recording
            .check()
            .map_err(|m| RecordingError::new(path, m))?;
        Ok(recording)
    }

    fn check(&self) -> Result<(), String> {
        for (i, x) in self.exchanges.iter().enumerate() {
            let at = format!("/exchanges/{i}");
            if x.request.method.parse::<Method>().is_err() {
                return Err(format!("{at}/request/method is not an HTTP method"));
            }
            match (&x.response, &x.fault) {
                (Some(_), None) | (None, Some(_)) => {}
                _ => return Err(format!("{at} needs exactly one of `response` and `fault`")),
            }
            if let Some(f) = &x.fault
                && kind_of(&f.kind).is_none()
            {
                return Err(format!(
                    "{at}/fault/kind `{}` is not a transport error kind",
                    f.kind
                ));
            }
            if let Some(r) = &x.response
                && StatusCode::from_u16(r.status).is_err()
            {
                return Err(format!("{at}/response/status is not an HTTP status"));
            }
            for (side, body) in [
                ("request", &x.request.body),
                (
                    "response",
                    &x.response.as_ref().and_then(|r| r.body.clone()),
                ),
            ] {
                if let Some(Body::Base64(b)) = body
                    && BASE64.decode(b).is_err()
                {
                    return Err(format!("{at}/{side}/body/base64 is not base64"));
                }
            }
        }
        Ok(())
    }

    /// Writes the recording as pretty JSON, atomically: a temporary file beside `path`, then
    /// renamed over it, so a reader never sees half a file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), RecordingError> {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let path = path.as_ref();
        let fail = |what: &str, e: std::io::Error| {
            RecordingError::new(
                path,
                format!("cannot be written ({what}: {e}): check the folder exists and is writable"),
            )
        };
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| RecordingError::new(path, format!("cannot be written as JSON: {e}")))?;
        text.push('\n');
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("recording");
        let temp = path.with_file_name(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&temp, text).map_err(|e| fail("temporary file", e))?;
        std::fs::rename(&temp, path).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            fail("rename", e)
        })
    }
}
