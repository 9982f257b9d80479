//! Interceptors on a generated client against the sandbox: an audit trail gets the operation,
//! the path template, the LegalContext and the trace ids of every attempt; a hook can add a
//! header; a hook that refuses stops the call before anything is sent; per-call options reach
//! the wire through a generated builder.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bcss_e2e::Harness;
use bcss_runtime::exports::http::{HeaderMap, HeaderName, HeaderValue};
use bcss_runtime::interceptor::{Answer, CallInfo, Interceptor, InterceptorError};
use bcss_runtime::{CallOptions, ErrorKind, RetryPolicy};
use bcss_sandbox::SandboxConfig;
use bcss_social_status::types::{PersonsQuery, SsinReference};

const CONSULT: &str = "scope:cbss:api:socialStatus:consult";

async fn serving_social_status() -> Harness {
    let h = Harness::start_with(SandboxConfig {
        scopes: vec![CONSULT.into()],
        ..SandboxConfig::default()
    })
    .await;
    let spec: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/socialStatus");
    h.sandbox.serve_contract(&spec).unwrap();
    h
}

const REFERENCE: &str = "pZ3mK8sQ1vN0bT7yL2wR4e";

/// A socialStatus client whose runtime runs `interceptor`.
fn with_interceptor(h: &Harness, interceptor: impl Interceptor) -> bcss_social_status::Client {
    let runtime = bcss_runtime::BcssClient::new(&h.config())
        .unwrap()
        .with_interceptor(interceptor);
    bcss_social_status::Client::from_runtime(runtime)
}

/// One line of a partner's audit trail.
#[derive(Clone, Debug, PartialEq)]
struct AuditLine {
    operation: Option<String>,
    template: String,
    legal_context: Option<String>,
    attempt: u32,
    trace_id: String,
    status: Option<u16>,
}

#[derive(Clone, Default)]
struct AuditTrail(Arc<Mutex<Vec<AuditLine>>>);

impl Interceptor for AuditTrail {
    fn before_send(
        &self,
        _call: &CallInfo<'_>,
        headers: &mut HeaderMap,
    ) -> Result<(), InterceptorError> {
        headers.insert(
            HeaderName::from_static("x-audit-id"),
            HeaderValue::from_static("audit-7"),
        );
        Ok(())
    }

    fn after_answer(&self, call: &CallInfo<'_>, answer: &Answer<'_>) {
        self.0.lock().unwrap().push(AuditLine {
            operation: call.operation_id().map(str::to_owned),
            template: call.path_template().to_owned(),
            legal_context: call.legal_context().map(str::to_owned),
            attempt: call.attempt(),
            trace_id: call.trace_id().to_owned(),
            status: answer.status(),
        });
    }
}

struct Refuses;

impl Interceptor for Refuses {
    fn before_send(&self, _: &CallInfo<'_>, _: &mut HeaderMap) -> Result<(), InterceptorError> {
        Err("the audit store is unreachable".into())
    }
}

#[tokio::test]
async fn an_audit_trail_records_every_attempt_with_its_legal_context() {
    let h = serving_social_status().await;
    let trail = AuditTrail::default();
    let client = with_interceptor(&h, trail.clone());
    h.unavailable_once("/socialStatus/");
    let reference = SsinReference::new(REFERENCE).unwrap();
    let history = client
        .get_status_history(&reference)
        .legal_context("SOCIAL_WELFARE:INTEGRATION_INCOME")
        .send()
        .await
        .unwrap();

    let lines = trail.0.lock().unwrap().clone();
    let expected = |attempt, status, trace_id: &str| AuditLine {
        operation: Some("getStatusHistory".into()),
        template: "/socialStatus/v1/persons/{ssinRef}/statusHistory".into(),
        legal_context: Some("SOCIAL_WELFARE:INTEGRATION_INCOME".into()),
        attempt,
        trace_id: trace_id.into(),
        status: Some(status),
    };
    let sent = h.gateway_requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        lines,
        [
            expected(1, 503, sent[0].trace_id.as_deref().unwrap()),
            expected(2, 200, &history.trace().sent),
        ]
    );
    assert!(
        sent.iter()
            .all(|e| e.headers.get("x-audit-id").map(String::as_str) == Some("audit-7")),
        "the hook's header is on every attempt"
    );
}

#[tokio::test]
async fn the_annex_default_legal_context_of_a_body_is_what_the_hook_sees() {
    let h = serving_social_status().await;
    let trail = AuditTrail::default();
    let client = with_interceptor(&h, trail.clone());
    let query: PersonsQuery = serde_json::from_value(serde_json::json!({
        "ssins": ["85073003328"], "legalContext": "FAMILY_ALLOWANCES:ENTITLEMENT"
    }))
    .unwrap();
    client.search_persons(&query).send().await.unwrap();
    let lines = trail.0.lock().unwrap().clone();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].operation.as_deref(), Some("searchPersons"));
    assert_eq!(
        lines[0].legal_context.as_deref(),
        Some("FAMILY_ALLOWANCES:ENTITLEMENT")
    );
}

#[tokio::test]
async fn a_hook_that_refuses_stops_the_call_before_anything_is_sent() {
    let h = serving_social_status().await;
    let client = with_interceptor(&h, Refuses);
    let reference = SsinReference::new(REFERENCE).unwrap();
    let error = client
        .get_status_history(&reference)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Interceptor(m) if m.contains("audit store")),
        "{error}"
    );
    assert!(
        h.gateway_requests().is_empty(),
        "nothing reached the gateway"
    );
}

#[tokio::test]
async fn a_generated_builder_forwards_per_call_options() {
    let h = serving_social_status().await;
    let client = bcss_social_status::Client::new(&h.config()).unwrap();
    h.unavailable_once("/socialStatus/");
    let reference = SsinReference::new(REFERENCE).unwrap();
    let options = CallOptions::new()
        .retry(RetryPolicy::none())
        .header(
            HeaderName::from_static("x-partner-case"),
            HeaderValue::from_static("case-9"),
        )
        .timeout(Duration::from_secs(5));
    let error = client
        .get_status_history(&reference)
        .with_options(options)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.status(),
        Some(503),
        "not retried: the call's policy won"
    );
    let sent = h.gateway_requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].headers.get("x-partner-case").map(String::as_str),
        Some("case-9")
    );
}
