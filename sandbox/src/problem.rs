//! Belgif problem responses (RFC 9457 as profiled by the Belgif REST guide): a stable
//! `urn:problem-type:belgif:<name>` type, an `href` to its documentation, an English title, and
//! an `instance` URN so a partner can quote one occurrence to a help desk.

use axum::response::{IntoResponse, Response};
use http::{HeaderName, HeaderValue, StatusCode};
use serde_json::{Map, Value, json};

/// A problem about to be answered.
#[derive(Clone, Debug)]
pub struct Problem {
    /// The short name, e.g. `missingScope`; also what the request log records as outcome.
    pub name: &'static str,
    pub status: u16,
    pub detail: String,
    /// Problem-specific members (`requiredScopes`, `retryAfterSec`...).
    pub extra: Map<String, Value>,
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`...).
    pub headers: Vec<(HeaderName, String)>,
}

impl Problem {
    pub fn new(name: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            name,
            status: status_of(name),
            detail: detail.into(),
            extra: Map::new(),
            headers: Vec::new(),
        }
    }

    pub fn with(mut self, key: &str, value: Value) -> Problem {
        self.extra.insert(key.to_string(), value);
        self
    }

    pub fn header(mut self, name: HeaderName, value: impl Into<String>) -> Problem {
        self.headers.push((name, value.into()));
        self
    }

    /// `noAccessToken` / `invalidAccessToken` / `expiredAccessToken`, with the RFC 6750
    /// challenge Belgif prescribes for them.
    pub fn invalid_token(name: &'static str, detail: impl Into<String>) -> Problem {
        Problem::new(name, detail).header(
            http::header::WWW_AUTHENTICATE,
            r#"Bearer realm="bcss-sandbox", error="invalid_token""#,
        )
    }

    /// `missingScope` with `requiredScopes` and the `insufficient_scope` challenge.
    pub fn missing_scope(required: &[String], granted: &[String]) -> Problem {
        let missing: Vec<&String> = required.iter().filter(|s| !granted.contains(s)).collect();
        Problem::new(
            "missingScope",
            format!(
                "the access token lacks scope(s) {missing:?} required by this operation; it has {granted:?}"
            ),
        )
        .with("requiredScopes", json!(required))
        .header(
            http::header::WWW_AUTHENTICATE,
            format!(
                r#"Bearer realm="bcss-sandbox", error="insufficient_scope", scope="{}""#,
                required.join(" ")
            ),
        )
    }

    /// 429 / 503 with both the `Retry-After` header and the Belgif `retryAfterSec` member.
    pub fn retry_after(name: &'static str, secs: u64, detail: impl Into<String>) -> Problem {
        Problem::new(name, detail)
            .with("retryAfterSec", json!(secs))
            .header(http::header::RETRY_AFTER, secs.to_string())
    }

    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert(
            "type".into(),
            json!(format!("urn:problem-type:belgif:{}", self.name)),
        );
        body.insert(
            "href".into(),
            json!(format!(
                "https://www.belgif.be/specification/rest/api-guide/problems/{}.html",
                self.name
            )),
        );
        body.insert("title".into(), json!(title_of(self.name)));
        body.insert("status".into(), json!(self.status));
        body.insert("detail".into(), json!(self.detail));
        body.insert(
            "instance".into(),
            json!(format!("urn:uuid:{}", uuid::Uuid::new_v4())),
        );
        for (key, value) in &self.extra {
            body.insert(key.clone(), value.clone());
        }
        Value::Object(body)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = self.body().to_string();
        let mut response = (
            status,
            [(http::header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().append(name, value);
            }
        }
        response
    }
}

fn status_of(name: &str) -> u16 {
    match name {
        "badRequest" => 400,
        "noAccessToken" | "invalidAccessToken" | "expiredAccessToken" => 401,
        "missingScope" | "missingPermission" => 403,
        "resourceNotFound" => 404,
        "payloadTooLarge" => 413,
        "tooManyRequests" => 429,
        "badGateway" => 502,
        "serviceUnavailable" => 503,
        _ => 500,
    }
}

fn title_of(name: &str) -> &'static str {
    match name {
        "badRequest" => "Bad Request",
        "noAccessToken" => "No Access Token",
        "invalidAccessToken" => "Invalid Access Token",
        "expiredAccessToken" => "Expired Access Token",
        "missingScope" => "Missing Scope",
        "missingPermission" => "Missing Permission",
        "resourceNotFound" => "Resource Not Found",
        "payloadTooLarge" => "Payload Too Large",
        "tooManyRequests" => "Too Many Requests",
        "badGateway" => "Bad Gateway",
        "serviceUnavailable" => "Service Unavailable",
        _ => "Internal Server Error",
    }
}
