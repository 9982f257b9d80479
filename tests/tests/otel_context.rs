//! The `otel` feature without a `tracing-opentelemetry` layer: the current OpenTelemetry
//! context (here attached to the call's future) is what `traceparent` and `tracestate` carry.

use bcss_e2e::Harness;
use opentelemetry::trace::{
    FutureExt, SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState,
};

const PERSON: &str = "/demo/v1/persons/00000000097";

#[tokio::test]
async fn without_a_layer_the_current_otel_context_is_sent() {
    let h = Harness::start().await;
    let remote = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::SAMPLED,
        true,
        TraceState::from_key_value([("bcss", "e2e")]).unwrap(),
    );
    let context = opentelemetry::Context::new().with_remote_span_context(remote);
    h.client()
        .get(PERSON)
        .send()
        .with_context(context)
        .await
        .unwrap();
    let requests = h.gateway_requests();
    assert_eq!(requests.len(), 1);
    let headers = &requests[0].headers;
    assert_eq!(
        headers.get("traceparent").map(String::as_str),
        Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    );
    assert_eq!(
        headers.get("tracestate").map(String::as_str),
        Some("bcss=e2e")
    );
}
