//! When a failed attempt is tried again, and after how long.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method};

/// Retry policy for API calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry). Default 3.
    pub max_attempts: u32,
    /// Total time the runtime may wait between attempts of one call. Default 30 s.
    pub max_wait: Duration,
    /// First back-off for connection errors and 502/504 without `Retry-After`; doubles each time.
    pub initial_backoff: Duration,
    /// Retry POST and PATCH too (only when every operation of the API is safe to repeat).
    pub retry_post: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            max_wait: Duration::from_secs(30),
            initial_backoff: Duration::from_millis(200),
            retry_post: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Back-off before attempt `attempt + 1` (attempt counts from 1).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        self.initial_backoff
            .saturating_mul(1 << (attempt.saturating_sub(1)).min(16))
    }
}

/// Whether a method may be repeated without changing the outcome (RFC 9110 §9.2.2).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// The wait a 429/503 asks for: `Retry-After` (seconds or HTTP date), else the problem's
/// `retryAfterSec`.
pub(crate) fn retry_after(headers: &HeaderMap, retry_after_sec: Option<u64>) -> Option<Duration> {
    let header = headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    if let Some(value) = header {
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = httpdate::parse_http_date(value) {
            return Some(at.duration_since(SystemTime::now()).unwrap_or_default());
        }
    }
    retry_after_sec.map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_dates_and_falls_back_to_the_problem_field() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h, Some(4)), Some(Duration::from_secs(4)));
        h.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h, Some(4)), Some(Duration::from_secs(2)));
        let future = SystemTime::now() + Duration::from_secs(120);
        h.insert(
            "retry-after",
            HeaderValue::from_str(&httpdate::fmt_http_date(future)).unwrap(),
        );
        let d = retry_after(&h, None).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
    }

    #[test]
    fn only_idempotent_methods_are_retried_by_default() {
        assert!(is_idempotent(&Method::GET) && is_idempotent(&Method::PUT));
        assert!(!is_idempotent(&Method::POST) && !is_idempotent(&Method::PATCH));
    }

    #[test]
    fn backoff_doubles() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), Duration::from_millis(200));
        assert_eq!(p.backoff(3), Duration::from_millis(800));
    }
}
