//! The seam between a call and the wire: every attempt of every call leaves the client as one
//! [`TransportRequest`] handed to the client's [`Transport`]. In production that is the network
//! (reqwest over rustls); in a partner's tests it is an in-memory fake or a replayed recording
//! (feature `testing`), with everything above it — parameters, LegalContext checks, scopes,
//! retries, problems, decoding — the production code.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::{HeaderMap, Method, StatusCode};
use url::Url;

use super::TransportError;

/// Where a client's requests go. Implemented by the network transport and, for tests, by
/// [`crate::testing`]'s fakes, recorder and replayer; a partner may implement it too (a proxy,
/// a test double of its own).
pub trait Transport: Send + Sync + 'static {
    /// Sends one attempt and returns the complete answer, or a connection-level failure
    /// (which the client may retry, as it would a network one).
    fn send(
        &self,
        request: TransportRequest,
    ) -> BoxFuture<'_, Result<TransportResponse, TransportError>>;
}

/// One attempt of a call, as it leaves the client: the HTTP request, and what the call is in
/// the contract's terms.
#[derive(Clone)]
#[non_exhaustive]
pub struct TransportRequest {
    /// The method.
    pub method: Method,
    /// The full URL, query included (it may hold personal data).
    pub url: Url,
    /// The headers, `Authorization` included on a network client (it is secret).
    pub headers: HeaderMap,
    /// The body, if any (it may hold personal data).
    pub body: Option<Bytes>,
    /// This attempt's timeout.
    pub timeout: Duration,
    /// The contract's operationId, when a generated client sends the request.
    pub operation: Option<&'static str>,
    /// The path as the contract writes it (`/persons/{ssinRef}`), or a hand-written path with
    /// its identifiers redacted.
    pub path_template: String,
    /// The path as sent, parameters filled in (it may hold personal data).
    pub path: String,
    /// The call's LegalContext, as the generated client checked it.
    pub legal_context: Option<String>,
    /// The attempt, counting from 1.
    pub attempt: u32,
    /// The scopes the call's token is asked for (empty for a call without a token).
    pub scopes: Vec<String>,
}

impl fmt::Debug for TransportRequest {
    // Bodies, filled paths, queries and `Authorization` hold personal data or secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportRequest")
            .field("method", &self.method)
            .field("path_template", &self.path_template)
            .field("operation", &self.operation)
            .field("attempt", &self.attempt)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// A complete answer to a [`TransportRequest`].
#[derive(Clone)]
pub struct TransportResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl TransportResponse {
    /// An answer with `status`, no header and `body`.
    pub fn new(status: StatusCode, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }
}

impl fmt::Debug for TransportResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish()
    }
}
