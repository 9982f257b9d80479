//! What an API call returns: status, headers, trace identifiers and the body.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorKind};
use crate::problem::Problem;

/// `BelGov-Trace-Id` header name.
pub const TRACE_ID: &str = "BelGov-Trace-Id";
/// `BelGov-Related-Trace-Id` header name.
pub const RELATED_TRACE_ID: &str = "BelGov-Related-Trace-Id";

/// The trace identifiers of one attempt: quote them to the BCSS service desk.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TraceInfo {
    /// The `BelGov-Trace-Id` this client sent (fresh per attempt).
    pub sent: String,
    /// The `BelGov-Trace-Id` the server answered with.
    pub response: Option<String>,
    /// The `BelGov-Related-Trace-Id` the server answered with (normally `sent`).
    pub related: Option<String>,
}

/// A response from the gateway, any status.
#[derive(Clone, Debug)]
pub struct Response {
    pub(crate) method: http::Method,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) trace: TraceInfo,
    pub(crate) attempts: u32,
    pub(crate) granted_scopes: std::sync::Arc<[String]>,
}

impl Response {
    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Trace identifiers of the last attempt.
    pub fn trace(&self) -> &TraceInfo {
        &self.trace
    }

    /// The `ETag`, if any.
    pub fn etag(&self) -> Option<&str> {
        self.header(http::header::ETAG.as_str())
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// How many attempts the call took.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as JSON of type `T`; a mismatch names the JSON path.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let de = &mut serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let json_path = e.path().to_string();
            ErrorKind::Decode {
                method: self.method.to_string(),
                path: self.path.clone(),
                json_path,
                message: e.into_inner().to_string(),
                trace: self.trace.clone(),
            }
            .into()
        })
    }

    /// The body as a problem, when the server sent `application/problem+json` (or a JSON body
    /// shaped like one on an error status).
    pub fn problem(&self) -> Option<Problem> {
        let content_type = self.header("content-type").unwrap_or_default();
        let is_problem = content_type.starts_with("application/problem+json");
        let may_be = is_problem
            || (content_type.starts_with("application/json") && !self.status.is_success());
        if !may_be {
            return None;
        }
        let problem: Problem = serde_json::from_slice(&self.body).ok()?;
        (is_problem || problem.type_uri.is_some() || problem.status.is_some()).then_some(problem)
    }

    /// `Ok(self)` for 1xx-3xx; for 4xx/5xx the typed error (problem or unexpected status).
    pub fn error_for_status(self) -> Result<Self, Error> {
        if !(self.status.is_client_error() || self.status.is_server_error()) {
            return Ok(self);
        }
        Err(self.into_error())
    }

    /// The body decoded as `T`, with the response's metadata.
    pub fn typed<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        let value = if self.body.is_empty() {
            serde_json::from_value(serde_json::Value::Null).or_else(|_| self.json())?
        } else {
            self.json()?
        };
        Ok(self.with_value(value))
    }

    /// `value` with this response's metadata (for bodies decoded another way, or none).
    pub fn with_value<T>(self, value: T) -> ApiResponse<T> {
        ApiResponse {
            value,
            status: self.status,
            headers: self.headers,
            trace: self.trace,
        }
    }

    /// The typed error this response stands for.
    pub fn into_error(self) -> Error {
        let status = self.status.as_u16();
        match self.problem() {
            Some(problem) => ErrorKind::Problem {
                status,
                method: self.method.to_string(),
                path: self.path.clone(),
                retry_after: crate::retry::retry_after(&self.headers, problem.retry_after_sec),
                hint: crate::error::problem_hint(&problem, &self.granted_scopes),
                problem: Box::new(problem),
                trace: self.trace,
            }
            .into(),
            None => ErrorKind::UnexpectedStatus {
                status,
                method: self.method.to_string(),
                path: self.path,
                body_excerpt: crate::error::excerpt(&self.body, 300),
                trace: self.trace,
            }
            .into(),
        }
    }
}

/// A decoded answer with its status, headers and trace identifiers. Derefs to the value.
#[derive(Clone, Debug)]
pub struct ApiResponse<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
    trace: TraceInfo,
}

impl<T> ApiResponse<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `ETag`.
    pub fn etag(&self) -> Option<&str> {
        self.header("etag")
    }

    /// `Location` (long-running tasks, created resources).
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// Trace identifiers.
    pub fn trace(&self) -> &TraceInfo {
        &self.trace
    }
}

impl<T> std::ops::Deref for ApiResponse<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}
