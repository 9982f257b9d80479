//! What a call tells the outside world: one `tracing` span per call, events for retries, and
//! (with the `otel` feature) OpenTelemetry metrics and W3C `traceparent` propagation.
//!
//! Everything here is built from data that holds neither personal data nor secrets: the
//! operation id, the method, the **path template** (`/persons/{ssin}`, never the filled path),
//! statuses, counts, durations and trace ids. [`log_safe_path`] makes a hand-written path fit
//! for that.

use std::time::Duration;

use http::Method;
use tracing::Span;

use crate::error::Error;
use crate::response::Response;

/// The span of one call, every attempt inside it. Its fields follow the OpenTelemetry HTTP
/// conventions where one exists (`http.request.method`, `url.template`,
/// `http.response.status_code`).
pub(crate) fn call_span(operation: Option<&str>, method: &Method, template: &str) -> Span {
    tracing::info_span!(
        "bcss.call",
        operation = operation.unwrap_or(""),
        http.request.method = %method,
        url.template = template,
        http.response.status_code = tracing::field::Empty,
        attempts = tracing::field::Empty,
        belgov.trace_id = tracing::field::Empty,
        belgov.related_trace_id = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
        error.kind = tracing::field::Empty,
    )
}

/// Records how the call ended on its span (and in the metrics).
pub(crate) fn call_finished(
    span: &Span,
    operation: Option<&'static str>,
    method: &Method,
    outcome: &Result<Response, Error>,
    attempts: u32,
    elapsed: Duration,
) {
    span.record("attempts", attempts);
    span.record("duration_ms", elapsed.as_millis() as u64);
    let status = match outcome {
        Ok(response) => {
            span.record("http.response.status_code", response.status.as_u16());
            span.record("belgov.trace_id", response.trace.sent.as_str());
            if let Some(related) = &response.trace.response {
                span.record("belgov.related_trace_id", related.as_str());
            }
            Some(response.status.as_u16())
        }
        Err(error) => {
            span.record("error.kind", error.category());
            if let Some(status) = error.status() {
                span.record("http.response.status_code", status);
            }
            error.status()
        }
    };
    metrics::call(operation, method, status, elapsed);
}

/// A path fit for logs: segments that look like an identifier of a person (six digits or more:
/// an SSIN, a company number, written with or without separators) become `{redacted}`.
/// Generated clients pass templates (`/persons/{ssin}`), which this leaves as they are.
pub fn log_safe_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/')
        .map(|segment| {
            let digits = segment.bytes().filter(u8::is_ascii_digit).count();
            if digits >= 6 && !segment.starts_with('{') {
                "{redacted}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg_attr(not(feature = "otel"), allow(dead_code))]
/// The status class of a metric label (`2xx` … `5xx`), or `error` when there was no answer.
pub(crate) fn status_class(status: Option<u16>) -> &'static str {
    match status {
        Some(100..=199) => "1xx",
        Some(200..=299) => "2xx",
        Some(300..=399) => "3xx",
        Some(400..=499) => "4xx",
        Some(500..=599) => "5xx",
        _ => "error",
    }
}

pub(crate) mod metrics;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_with_an_ssin_is_redacted_and_a_template_is_kept() {
        assert_eq!(
            log_safe_path("/demo/v1/persons/00000000097/status"),
            "/demo/v1/persons/{redacted}/status"
        );
        assert_eq!(
            log_safe_path("/demo/v1/persons/85.07.30-033.61?x=1"),
            "/demo/v1/persons/{redacted}"
        );
        assert_eq!(
            log_safe_path("/socialStatus/v1/persons/{ssinRef}/statusHistory"),
            "/socialStatus/v1/persons/{ssinRef}/statusHistory"
        );
        assert_eq!(
            log_safe_path("/demo/v1/items/12345"),
            "/demo/v1/items/12345"
        );
    }

    #[test]
    fn status_classes_group_by_hundreds() {
        assert_eq!(status_class(Some(204)), "2xx");
        assert_eq!(status_class(Some(503)), "5xx");
        assert_eq!(status_class(None), "error");
    }
}
