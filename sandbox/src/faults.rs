//! Scriptable faults: rules that make the next matching request(s) fail in a chosen way, so
//! clients can be tested against rate limiting, outages, slow servers and broken connections.

use serde::{Deserialize, Serialize};

/// Which listener(s) a fault rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultTarget {
    /// Both gateway listeners.
    Gateway,
    /// The auth listener (token endpoint and metadata).
    TokenEndpoint,
}

/// What happens to a request a rule matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// 429 `tooManyRequests`, `Retry-After` header and `retryAfterSec`.
    TooManyRequests { retry_after_secs: u64 },
    /// 503 `serviceUnavailable`, `Retry-After` header and `retryAfterSec`.
    ServiceUnavailable { retry_after_secs: u64 },
    /// 500 `internalServerError`.
    InternalServerError,
    /// 502 `badGateway`.
    BadGateway,
    /// Wait, then handle the request normally.
    Delay { millis: u64 },
    /// Close the connection (HTTP/1.1) or reset the stream (HTTP/2) without any response.
    DropConnection,
    /// Gateway: answer 401 `expiredAccessToken` whatever token was sent (a valid token is
    /// still required to get there). Ignored by the token endpoint.
    ExpiredToken,
    /// Token endpoint: 503 with `{"error":"temporarily_unavailable"}`; gateway: 503
    /// `serviceUnavailable` without `Retry-After`.
    Down,
}

impl Fault {
    /// The name used in the request log's outcome, as `fault:<kind>`.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::TooManyRequests { .. } => "too_many_requests",
            Fault::ServiceUnavailable { .. } => "service_unavailable",
            Fault::InternalServerError => "internal_server_error",
            Fault::BadGateway => "bad_gateway",
            Fault::Delay { .. } => "delay",
            Fault::DropConnection => "drop_connection",
            Fault::ExpiredToken => "expired_token",
            Fault::Down => "down",
        }
    }
}

/// A fault plus which requests it hits and how many times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    pub target: FaultTarget,
    /// Only requests whose path starts with this (e.g. `/demo/v1/persons`).
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Only requests with this method (case-insensitive).
    #[serde(default)]
    pub method: Option<String>,
    /// How many matching requests it applies to; 0 = until cleared.
    #[serde(default)]
    pub times: u32,
    pub fault: Fault,
}

impl FaultRule {
    /// A rule hitting every request of `target` once.
    pub fn once(target: FaultTarget, fault: Fault) -> FaultRule {
        FaultRule {
            target,
            path_prefix: None,
            method: None,
            times: 1,
            fault,
        }
    }

    /// A rule hitting every request of `target` until cleared.
    pub fn always(target: FaultTarget, fault: Fault) -> FaultRule {
        FaultRule {
            times: 0,
            ..FaultRule::once(target, fault)
        }
    }

    pub fn path_prefix(mut self, prefix: impl Into<String>) -> FaultRule {
        self.path_prefix = Some(prefix.into());
        self
    }

    pub fn method(mut self, method: impl Into<String>) -> FaultRule {
        self.method = Some(method.into());
        self
    }

    pub fn times(mut self, times: u32) -> FaultRule {
        self.times = times;
        self
    }

    fn matches(&self, target: FaultTarget, method: &str, path: &str) -> bool {
        self.target == target
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
    }
}

/// The active rules, in the order they were pushed.
#[derive(Default)]
pub struct Faults {
    rules: Vec<FaultRule>,
}

impl Faults {
    pub fn push(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn rules(&self) -> Vec<FaultRule> {
        self.rules.clone()
    }

    /// The fault for this request, if any: the first matching rule, which is consumed once
    /// (a rule whose count reaches 0 is removed; rules with `times == 0` stay).
    pub fn take(&mut self, target: FaultTarget, method: &str, path: &str) -> Option<Fault> {
        let index = self
            .rules
            .iter()
            .position(|rule| rule.matches(target, method, path))?;
        let rule = &mut self.rules[index];
        let fault = rule.fault.clone();
        if rule.times > 0 {
            rule.times -= 1;
            if rule.times == 0 {
                self.rules.remove(index);
            }
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_with_times_two_hits_two_matching_requests_then_disappears() {
        let mut faults = Faults::default();
        faults.push(
            FaultRule::once(FaultTarget::Gateway, Fault::BadGateway)
                .times(2)
                .path_prefix("/demo"),
        );
        assert_eq!(faults.take(FaultTarget::Gateway, "GET", "/other"), None);
        assert_eq!(
            faults.take(FaultTarget::TokenEndpoint, "GET", "/demo"),
            None
        );
        assert!(
            faults
                .take(FaultTarget::Gateway, "GET", "/demo/x")
                .is_some()
        );
        assert!(
            faults
                .take(FaultTarget::Gateway, "POST", "/demo/y")
                .is_some()
        );
        assert_eq!(faults.take(FaultTarget::Gateway, "GET", "/demo/x"), None);
    }

    #[test]
    fn fault_json_is_tagged_by_kind() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"target":"gateway","fault":{"kind":"too_many_requests","retry_after_secs":3}}"#,
        )
        .expect("valid rule");
        assert_eq!(rule.times, 0);
        assert_eq!(
            rule.fault,
            Fault::TooManyRequests {
                retry_after_secs: 3
            }
        );
    }
}
