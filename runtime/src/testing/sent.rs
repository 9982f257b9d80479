//! What reached a fake gateway: one attempt, as the partner's code made the client send it.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde::de::DeserializeOwned;

use crate::transport::TransportRequest;

/// One attempt that reached the fake gateway: what the partner's code made the client send.
#[derive(Clone)]
#[non_exhaustive]
pub struct SentRequest {
    /// The contract's operationId (none for a hand-written request).
    pub operation: Option<&'static str>,
    /// The method.
    pub method: Method,
    /// The path template (`/persons/{ssinRef}`).
    pub path_template: String,
    /// The path as sent.
    pub path: String,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers (an in-memory client sends no `Authorization`).
    pub headers: HeaderMap,
    /// The body.
    pub body: Option<Bytes>,
    /// The LegalContext the generated client checked for this call.
    pub legal_context: Option<String>,
    /// The attempt, from 1: a retried call reaches the gateway more than once.
    pub attempt: u32,
    /// The scopes the call's token would be asked for.
    pub scopes: Vec<String>,
}

impl fmt::Debug for SentRequest {
    // What a failed assertion prints: the request's identity, not its personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SentRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path_template", &self.path_template)
            .field("attempt", &self.attempt)
            .field("legal_context", &self.legal_context)
            .finish_non_exhaustive()
    }
}

impl SentRequest {
    pub(crate) fn from_transport(request: &TransportRequest) -> Self {
        Self {
            operation: request.operation,
            method: request.method.clone(),
            path_template: request.path_template.clone(),
            path: request.path.clone(),
            query: request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            headers: request.headers.clone(),
            body: request.body.clone(),
            legal_context: request.legal_context.clone(),
            attempt: request.attempt,
            scopes: request.scopes.clone(),
        }
    }

    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A path parameter's value (`ssinRef` of `/persons/{ssinRef}`), percent-decoded.
    pub fn path_param(&self, name: &str) -> Option<String> {
        let wanted = format!("{{{name}}}");
        let template: Vec<&str> = self.path_template.split('/').collect();
        let path: Vec<&str> = self.path.split('/').collect();
        if template.len() != path.len() {
            return None;
        }
        template
            .iter()
            .zip(&path)
            .find(|(t, _)| **t == wanted)
            .map(|(_, p)| percent_decode(p))
    }

    /// The body decoded from JSON into `T` (the operation's request type); no body, or an
    /// empty one, reads as `null` (so `()` for an operation without a body).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match self.body.as_deref() {
            Some(body) if !body.is_empty() => serde_json::from_slice(body),
            _ => serde_json::from_slice(b"null"),
        }
    }
}

fn percent_decode(segment: &str) -> String {
    url::form_urlencoded::parse(format!("v={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
