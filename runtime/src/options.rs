//! Per-call options, and the one place where they meet the client's defaults.
//!
//! A call's policy comes from three layers, the later winning: the client's configuration
//! (`[timeouts]`, `[retry]`, `[token] scopes`), what the generated client knows of the operation
//! (a `POST …/query` that only reads is repeatable), and the caller's [`CallOptions`].
//! [`CallPolicy::merge`] is the only code that combines them; generated code only forwards.

use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue, Method};

use crate::config::Timeouts;
use crate::retry::{RetryPolicy, is_idempotent};
use crate::token::ScopeSet;

/// Options for one call, set on a [`crate::RequestBuilder`] or a generated operation builder
/// (`.with_options(…)`). Anything left unset takes the client's default.
///
/// ```
/// # use std::time::Duration;
/// use bcss_runtime::{CallOptions, RetryPolicy};
/// let options = CallOptions::new()
///     .timeout(Duration::from_secs(10))
///     .attempt_timeout(Duration::from_secs(3))
///     .retry(RetryPolicy { max_attempts: 5, ..RetryPolicy::default() })
///     .idempotent(true);
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct CallOptions {
    /// The whole call, every attempt and wait included; when it runs out the call fails with a
    /// timeout and is not retried. Default: `[timeouts] total_secs` (none: bounded by the retry
    /// policy only).
    pub timeout: Option<Duration>,
    /// One attempt, from connecting to the last byte of the answer; an attempt cut by it is
    /// retried like a lost connection. Default: `[timeouts] request_secs`.
    pub attempt_timeout: Option<Duration>,
    /// The retry policy. Default: `[retry]`.
    pub retry: Option<RetryPolicy>,
    /// Whether the call may be repeated after a failure that may have reached the server:
    /// `Some(true)` marks a `POST` safe to repeat, `Some(false)` forbids repeating even a `GET`.
    /// Default: from the method (RFC 9110 §9.2.2) and the contract.
    pub idempotent: Option<bool>,
    /// Headers added to the request (they replace a header of the same name).
    pub headers: HeaderMap,
    /// Scopes of this call's token. Default: the operation's, else `[token] scopes`.
    pub scopes: Option<ScopeSet>,
}

impl std::fmt::Debug for CallOptions {
    // Header values may carry credentials of the partner's own: show names only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("retry", &self.retry)
            .field("idempotent", &self.idempotent)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl CallOptions {
    /// No option set: every value comes from the client.
    pub fn new() -> Self {
        Self::default()
    }

    /// See [`CallOptions::timeout`](#structfield.timeout).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// See [`CallOptions::attempt_timeout`](#structfield.attempt_timeout).
    pub fn attempt_timeout(mut self, limit: Duration) -> Self {
        self.attempt_timeout = Some(limit);
        self
    }

    /// See [`CallOptions::retry`](#structfield.retry).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// See [`CallOptions::idempotent`](#structfield.idempotent).
    pub fn idempotent(mut self, repeatable: bool) -> Self {
        self.idempotent = Some(repeatable);
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// See [`CallOptions::scopes`](#structfield.scopes).
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = Some(ScopeSet::new(scopes));
        self
    }

    /// `other`'s values where it sets one, else this one's (headers: both, `other`'s winning).
    pub fn overridden_by(mut self, other: CallOptions) -> Self {
        self.timeout = other.timeout.or(self.timeout);
        self.attempt_timeout = other.attempt_timeout.or(self.attempt_timeout);
        self.retry = other.retry.or(self.retry);
        self.idempotent = other.idempotent.or(self.idempotent);
        self.scopes = other.scopes.or(self.scopes);
        for (name, value) in &other.headers {
            self.headers.insert(name, value.clone());
        }
        self
    }
}

/// What the client brings to every call: its configuration.
#[derive(Clone, Debug)]
pub(crate) struct ClientDefaults {
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    pub scopes: ScopeSet,
}

/// The policy of one call, every layer applied.
#[derive(Debug)]
pub(crate) struct CallPolicy {
    pub total_timeout: Option<Duration>,
    pub attempt_timeout: Duration,
    pub retry: RetryPolicy,
    pub may_repeat: bool,
    pub scopes: ScopeSet,
}

impl CallPolicy {
    /// `repeatable_by_contract`: the generated client declared the operation safe to repeat.
    pub fn merge(
        defaults: &ClientDefaults,
        method: &Method,
        repeatable_by_contract: bool,
        call: &CallOptions,
    ) -> Self {
        let retry = call.retry.clone().unwrap_or_else(|| defaults.retry.clone());
        let may_repeat = call
            .idempotent
            .unwrap_or_else(|| is_idempotent(method) || repeatable_by_contract || retry.retry_post);
        Self {
            total_timeout: call.timeout.or(defaults.timeouts.total),
            attempt_timeout: call.attempt_timeout.unwrap_or(defaults.timeouts.request),
            retry,
            may_repeat,
            scopes: call
                .scopes
                .clone()
                .unwrap_or_else(|| defaults.scopes.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> ClientDefaults {
        ClientDefaults {
            timeouts: Timeouts {
                total: Some(Duration::from_secs(60)),
                ..Timeouts::default()
            },
            retry: RetryPolicy::default(),
            scopes: ScopeSet::new(["scope:a"]),
        }
    }

    #[test]
    fn the_call_option_wins_over_the_client_default() {
        let call = CallOptions::new()
            .timeout(Duration::from_secs(5))
            .attempt_timeout(Duration::from_secs(1))
            .retry(RetryPolicy::none())
            .scopes(["scope:b"]);
        let p = CallPolicy::merge(&defaults(), &Method::GET, false, &call);
        assert_eq!(p.total_timeout, Some(Duration::from_secs(5)));
        assert_eq!(p.attempt_timeout, Duration::from_secs(1));
        assert_eq!(p.retry.max_attempts, 1);
        assert_eq!(p.scopes, ScopeSet::new(["scope:b"]));
    }

    #[test]
    fn unset_options_take_the_client_defaults() {
        let p = CallPolicy::merge(&defaults(), &Method::GET, false, &CallOptions::new());
        assert_eq!(p.total_timeout, Some(Duration::from_secs(60)));
        assert_eq!(p.attempt_timeout, Timeouts::default().request);
        assert_eq!(p.retry, RetryPolicy::default());
        assert_eq!(p.scopes, ScopeSet::new(["scope:a"]));
    }

    #[test]
    fn idempotency_comes_from_the_method_the_contract_then_the_call() {
        let d = defaults();
        let none = CallOptions::new();
        assert!(CallPolicy::merge(&d, &Method::GET, false, &none).may_repeat);
        assert!(!CallPolicy::merge(&d, &Method::POST, false, &none).may_repeat);
        assert!(CallPolicy::merge(&d, &Method::POST, true, &none).may_repeat);
        let post_ok = CallOptions::new().idempotent(true);
        assert!(CallPolicy::merge(&d, &Method::POST, false, &post_ok).may_repeat);
        let get_not = CallOptions::new().idempotent(false);
        assert!(!CallPolicy::merge(&d, &Method::GET, false, &get_not).may_repeat);
        assert!(!CallPolicy::merge(&d, &Method::POST, true, &get_not).may_repeat);
    }

    #[test]
    fn later_options_override_earlier_ones_header_by_header() {
        let a = CallOptions::new()
            .timeout(Duration::from_secs(1))
            .header(
                HeaderName::from_static("x-a"),
                HeaderValue::from_static("1"),
            )
            .header(
                HeaderName::from_static("x-b"),
                HeaderValue::from_static("1"),
            );
        let b = CallOptions::new().header(
            HeaderName::from_static("x-b"),
            HeaderValue::from_static("2"),
        );
        let merged = a.overridden_by(b);
        assert_eq!(merged.timeout, Some(Duration::from_secs(1)));
        assert_eq!(merged.headers["x-a"], "1");
        assert_eq!(merged.headers["x-b"], "2");
    }

    #[test]
    fn debug_shows_header_names_not_values() {
        let o = CallOptions::new().header(
            HeaderName::from_static("x-partner-key"),
            HeaderValue::from_static("s3cr3t"),
        );
        let text = format!("{o:?}");
        assert!(
            text.contains("x-partner-key") && !text.contains("s3cr3t"),
            "{text}"
        );
    }
}
