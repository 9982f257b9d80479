//! One `bcss.call` span per call, with the fields an operator reads: the operation, the method,
//! the path template, the status, the attempts, the trace id sent, the duration; the retries and
//! the token fetch as events inside it.

use std::path::{Path, PathBuf};

use bcss_e2e::capture::{Capture, SpanRecord};
use bcss_e2e::{Harness, search_then_read_history};
use bcss_runtime::RetryPolicy;
use bcss_sandbox::SandboxConfig;

fn spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

fn field<'a>(span: &'a SpanRecord, name: &str) -> &'a str {
    span.fields
        .get(name)
        .unwrap_or_else(|| panic!("no {name} on {span:#?}"))
}

#[tokio::test(flavor = "current_thread")]
async fn each_generated_call_has_one_span_with_its_operation_template_and_outcome() {
    let capture = Capture::default();
    let _guard = capture.install();
    let h = Harness::start_with(SandboxConfig::default()).await;
    h.sandbox.serve_contract(&spec("socialStatus")).unwrap();
    h.unavailable_once("/socialStatus/");
    let client = bcss_social_status::Client::new(&h.config()).unwrap();
    let (page, reference, history) = search_then_read_history(&client, "85073003328").await;

    let spans = capture.spans_named("bcss.call");
    assert_eq!(spans.len(), 2, "one span per call: {spans:#?}");
    let (search, read) = (&spans[0], &spans[1]);

    assert_eq!(field(search, "operation"), "searchPersons");
    assert_eq!(field(search, "http.request.method"), "POST");
    assert_eq!(
        field(search, "url.template"),
        "/socialStatus/v1/persons/query"
    );
    assert_eq!(field(search, "http.response.status_code"), "200");
    assert_eq!(field(search, "attempts"), "2", "the 503 was retried");
    assert_eq!(field(search, "belgov.trace_id"), page.sent);
    let answered = h
        .gateway_requests()
        .into_iter()
        .rfind(|e| e.path.starts_with("/socialStatus/v1/persons/query"))
        .unwrap();
    assert_eq!(
        answered.trace_id.as_deref(),
        Some(field(search, "belgov.trace_id")),
        "the trace id of the attempt that was answered"
    );
    if let Some(related) = &page.response {
        assert_eq!(field(search, "belgov.related_trace_id"), related);
    }
    field(search, "duration_ms").parse::<u64>().unwrap();
    assert!(!search.fields.contains_key("error.kind"), "{search:#?}");

    assert_eq!(field(read, "operation"), "getStatusHistory");
    assert_eq!(field(read, "http.request.method"), "GET");
    let template = field(read, "url.template");
    assert_eq!(template, "/socialStatus/v1/persons/{ssinRef}/statusHistory");
    assert!(!template.contains(reference.as_str()));
    assert_eq!(field(read, "http.response.status_code"), "200");
    assert_eq!(field(read, "attempts"), "1");
    assert_eq!(field(read, "belgov.trace_id"), history.sent);
    field(read, "duration_ms").parse::<u64>().unwrap();

    let retries = capture.events_saying("retrying");
    assert_eq!(retries.len(), 1, "{retries:#?}");
    assert_eq!(
        retries[0].spans.first(),
        Some(&search.index),
        "in the call's span"
    );
    assert_eq!(retries[0].fields["attempt"], "1");
    assert_eq!(retries[0].fields["reason"], "status 503");
    assert_eq!(retries[0].fields["delay_ms"], "0", "Retry-After: 0");

    let tokens = capture.events_saying("access token obtained");
    assert_eq!(tokens.len(), 1, "the second call used the cached token");
    assert!(
        tokens[0].spans.contains(&search.index),
        "the fetch reports inside the span of the call that needed it: {:#?}",
        tokens[0]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_hand_written_call_names_its_redacted_path_and_a_failure_its_kind() {
    let capture = Capture::default();
    let _guard = capture.install();
    let h = Harness::start().await;
    let client = h.client_with_closed_gateway();
    let err = client
        .get("/demo/v1/persons/00000000097")
        .query("page", 2)
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();

    let spans = capture.spans_named("bcss.call");
    assert_eq!(spans.len(), 1, "{spans:#?}");
    let span = &spans[0];
    assert_eq!(field(span, "operation"), "", "no operation id by hand");
    assert_eq!(field(span, "http.request.method"), "GET");
    assert_eq!(field(span, "url.template"), "/demo/v1/persons/{redacted}");
    assert_eq!(field(span, "error.kind"), err.category());
    assert_eq!(field(span, "error.kind"), "transport");
    assert_eq!(field(span, "attempts"), "1");
    assert!(
        !span.fields.contains_key("http.response.status_code"),
        "no answer, no status: {span:#?}"
    );
}
