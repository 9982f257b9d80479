//! Per-call options against the sandbox: the attempt timeout cuts a slow answer and the call is
//! retried, the total timeout ends it without a retry, idempotency can be overridden either way,
//! headers and scopes reach the wire (and no `traceparent` without a trace context), and
//! `[timeouts] total_secs` from the configuration applies when the call sets none.

use std::time::{Duration, Instant};

use bcss_e2e::Harness;
use bcss_runtime::exports::http::{HeaderName, HeaderValue};
use bcss_runtime::{CallOptions, RetryPolicy, TransportErrorKind};
use bcss_sandbox::{Fault, FaultRule, FaultTarget};
use serde_json::json;

const PERSON: &str = "/demo/v1/persons/00000000097";

fn slow(millis: u64, times: u32) -> FaultRule {
    FaultRule {
        times,
        ..FaultRule::once(FaultTarget::Gateway, Fault::Delay { millis }).path_prefix("/demo/")
    }
}

#[tokio::test]
async fn a_slow_answer_is_cut_at_the_attempt_timeout_and_retried() {
    let h = Harness::start().await;
    let client = h.client();
    client.tokens().unwrap().token().await.unwrap();
    h.sandbox.push_fault(slow(5_000, 1));
    let started = Instant::now();
    let response = client
        .get(PERSON)
        .attempt_timeout(Duration::from_millis(400))
        .send()
        .await
        .unwrap();
    assert_eq!((response.status().as_u16(), response.attempts()), (200, 2));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the slow attempt was not cut: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_total_timeout_ends_the_call_without_a_retry() {
    let h = Harness::start().await;
    let client = h.client();
    client.tokens().unwrap().token().await.unwrap();
    h.sandbox.push_fault(slow(5_000, 0));
    let started = Instant::now();
    let options = CallOptions::new()
        .timeout(Duration::from_millis(900))
        .attempt_timeout(Duration::from_millis(500))
        .retry(RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            ..RetryPolicy::default()
        });
    let error = client
        .get(PERSON)
        .with_options(options)
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    let transport = error.transport().expect("a timeout");
    assert_eq!(transport.kind, TransportErrorKind::Timeout);
    assert!(
        transport.message.contains("total timeout") && transport.message.contains("2 attempts"),
        "{transport}"
    );
    assert!(
        elapsed >= Duration::from_millis(850) && elapsed < Duration::from_millis(2_500),
        "{elapsed:?}"
    );
    assert!(
        !transport.url.contains("00000000097"),
        "the SSIN of the path is in the error: {}",
        transport.url
    );
}

#[tokio::test]
async fn the_configured_total_timeout_applies_when_the_call_sets_none() {
    let h = Harness::start().await;
    let mut config = h.config();
    config.timeouts.total = Some(Duration::from_millis(600));
    config.timeouts.request = Duration::from_secs(20);
    let client = bcss_runtime::BcssClient::new(&config).unwrap();
    client.tokens().unwrap().token().await.unwrap();
    h.sandbox.push_fault(slow(5_000, 0));
    let started = Instant::now();
    let error = client.get(PERSON).send().await.unwrap_err();
    assert_eq!(
        error.transport().map(|t| t.kind),
        Some(TransportErrorKind::Timeout)
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    // The call's option wins over the configuration.
    h.sandbox.clear_faults();
    h.sandbox.push_fault(slow(1_000, 1));
    let response = client
        .get(PERSON)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_get_marked_not_idempotent_is_not_retried() {
    let h = Harness::start().await;
    h.unavailable_once("/demo/");
    let error = h
        .client()
        .get(PERSON)
        .with_options(CallOptions::new().idempotent(false))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(h.gateway_requests().len(), 1);
}

#[tokio::test]
async fn a_post_marked_idempotent_is_retried() {
    let h = Harness::start().await;
    h.unavailable_once("/demo/");
    let response = h
        .client()
        .post("/demo/v1/persons/query")
        .json(&json!({"ssin": "00000000097"}))
        .idempotent(true)
        .send()
        .await
        .unwrap();
    assert_eq!(response.attempts(), 2);
    let statuses: Vec<u16> = h.gateway_requests().iter().map(|e| e.status).collect();
    assert_eq!(statuses[0], 503);
    assert_eq!(statuses.len(), 2);
}

#[tokio::test]
async fn option_headers_and_scopes_reach_the_wire() {
    let h = Harness::start().await;
    let options = CallOptions::new()
        .header(
            HeaderName::from_static("x-partner-case"),
            HeaderValue::from_static("case-42"),
        )
        .scopes(["scope:cbss:api:demo:update"]);
    h.client()
        .put("/demo/v1/persons/00000000097/address")
        .json(&json!({"street": "Rue Royale"}))
        .with_options(options)
        .send()
        .await
        .unwrap();
    let sent = h.gateway_requests();
    assert_eq!(
        sent[0].headers.get("x-partner-case").map(String::as_str),
        Some("case-42")
    );
    let token = h.token_requests();
    let scope = token[0].token.as_ref().and_then(|t| t.scope.clone());
    assert_eq!(scope.as_deref(), Some("scope:cbss:api:demo:update"));
}

/// With or without the `otel` feature: no subscriber and no OpenTelemetry context, no
/// `traceparent` (the `otel_*` tests cover the other cases).
#[tokio::test]
async fn without_a_trace_context_no_traceparent_is_sent() {
    let h = Harness::start().await;
    h.client().get(PERSON).send().await.unwrap();
    let sent = h.gateway_requests();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].headers.contains_key("belgov-trace-id"));
    for name in ["traceparent", "tracestate"] {
        assert!(!sent[0].headers.contains_key(name), "{:?}", sent[0].headers);
    }
}
