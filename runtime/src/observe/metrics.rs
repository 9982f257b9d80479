//! Metrics: OpenTelemetry instruments with the `otel` feature, nothing without it (the calls
//! compile to nothing, so the default build pays no cost).

#[cfg(not(feature = "otel"))]
mod off {
    use std::time::Duration;

    use http::Method;

    pub(crate) fn call(_: Option<&str>, _: &Method, _: Option<u16>, _: Duration) {}
    pub(crate) fn retry(_: Option<&str>, _: &'static str) {}
    pub(crate) fn budget_exhausted(_: Option<&str>) {}
    pub(crate) fn token_fetch(_: bool) {}
    pub(crate) fn inject_traceparent(_: &tracing::Span, _: &mut http::HeaderMap) {}
}

#[cfg(not(feature = "otel"))]
pub(crate) use off::*;
