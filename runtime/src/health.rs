//! The Belgif `/health` check: `{"status": "UP" | "DEGRADED" | "DOWN" | …}`; 503 is a valid DOWN.

use serde::Deserialize;
use serde_json::Value;

use crate::response::TraceInfo;

/// An API's health status.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum HealthStatus {
    /// `UP`.
    Up,
    /// `DEGRADED`: up, with reduced function.
    Degraded,
    /// `DOWN` (HTTP 503).
    Down,
    /// Another status the API defines.
    Other(String),
}

impl HealthStatus {
    fn parse(s: &str) -> Self {
        match s.to_ascii_uppercase().as_str() {
            "UP" => Self::Up,
            "DEGRADED" => Self::Degraded,
            "DOWN" => Self::Down,
            _ => Self::Other(s.to_owned()),
        }
    }
}

/// The answer of a `/health` call.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Health {
    /// The status.
    pub status: HealthStatus,
    /// HTTP status of the answer.
    pub http_status: u16,
    /// The whole JSON body (may carry `details` for privileged clients).
    pub body: Option<Value>,
    /// Trace identifiers.
    pub trace: TraceInfo,
}

#[derive(Deserialize)]
struct Body {
    status: String,
}

/// Reads a 200/503 health answer; `None` when the body says nothing usable on a 200.
pub(crate) fn parse(http_status: u16, body: &[u8], trace: TraceInfo) -> Option<Health> {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let status = json
        .as_ref()
        .and_then(|v| Body::deserialize(v).ok())
        .map(|b| HealthStatus::parse(&b.status));
    let status = match (http_status, status) {
        (_, Some(s)) => s,
        (503, None) => HealthStatus::Down,
        _ => return None,
    };
    Some(Health {
        status,
        http_status,
        body: json,
        trace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_unavailable_without_a_body_is_down_and_custom_statuses_are_kept() {
        let h = parse(503, b"", TraceInfo::default()).unwrap();
        assert_eq!(h.status, HealthStatus::Down);
        let h = parse(200, br#"{"status":"MAINTENANCE"}"#, TraceInfo::default()).unwrap();
        assert_eq!(h.status, HealthStatus::Other("MAINTENANCE".into()));
        assert!(parse(200, b"<html>", TraceInfo::default()).is_none());
    }
}
