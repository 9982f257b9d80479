//! The `otel` feature's W3C `traceparent`, read in the sandbox's request log: with a
//! `tracing-opentelemetry` layer, each attempt names the call's `bcss.call` span as its parent,
//! in the trace of the caller's span if there is one.
//!
//! Alone in its binary: `tracing` caches per call site whether a span is wanted, and a test on
//! another thread without a subscriber could make it cache "no" under this one's feet (seen:
//! requests without `traceparent` in 3 runs out of 8). `otel_context.rs` tests the case without
//! a layer.

use bcss_e2e::Harness;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

const PERSON: &str = "/demo/v1/persons/00000000097";

/// The `traceparent` of each gateway request, as (trace id, parent id, flags).
fn sent(h: &Harness) -> Vec<(String, String, String)> {
    h.gateway_requests()
        .iter()
        .map(|request| {
            let header = request
                .headers
                .get("traceparent")
                .unwrap_or_else(|| panic!("no traceparent in {:?}", request.headers));
            let parts: Vec<&str> = header.split('-').collect();
            assert_eq!((parts.len(), parts[0]), (4, "00"), "{header}");
            (parts[1].into(), parts[2].into(), parts[3].into())
        })
        .collect()
}

#[tokio::test]
async fn each_request_names_its_call_span_as_parent() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("bcss-e2e"));
    let _subscriber = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));

    let h = Harness::start().await;
    let client = h.client();
    async {
        client.get(PERSON).send().await.unwrap();
        client.get(PERSON).send().await.unwrap();
    }
    .instrument(tracing::info_span!("caller"))
    .await;
    client.get(PERSON).send().await.unwrap();

    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    let calls: Vec<_> = spans.iter().filter(|s| s.name == "bcss.call").collect();
    let caller = spans.iter().find(|s| s.name == "caller").unwrap();
    let sent = sent(&h);
    assert_eq!((calls.len(), sent.len()), (3, 3));
    for (call, (trace, parent, flags)) in calls.iter().zip(&sent) {
        assert_eq!(*trace, call.span_context.trace_id().to_string());
        assert_eq!(*parent, call.span_context.span_id().to_string());
        assert_eq!(flags, "01", "sampled");
    }
    let caller_trace = caller.span_context.trace_id().to_string();
    assert_eq!([&sent[0].0, &sent[1].0], [&caller_trace, &caller_trace]);
    assert_ne!(
        sent[2].0, caller_trace,
        "a call outside any span starts a trace"
    );
    assert_ne!(sent[0].1, sent[1].1, "each call is its own span");
}
