//! The in-memory client and `FakeGateway`: the production code above the transport seam
//! (retries, problems, scopes, interceptors) runs unchanged, and nothing leaves the process.
#![cfg(feature = "testing")]

use std::sync::{Arc, Mutex};

use bcss_runtime::interceptor::{CallInfo, Interceptor, InterceptorError};
use bcss_runtime::testing::{FakeGateway, FakeOperation, Fault, Reply};
use bcss_runtime::transport::network_requests_sent;
use bcss_runtime::{ErrorKind, Problem, ProblemType, TransportErrorKind, TransportResponse};
use http::StatusCode;

const READ: FakeOperation = FakeOperation {
    id: "getThing",
    method: "GET",
    path: "/demo/v1/things/{thingId}",
    fake: "get_thing",
};
const CREATE: FakeOperation = FakeOperation {
    id: "createThing",
    method: "POST",
    path: "/demo/v1/things",
    fake: "create_thing",
};

fn gateway() -> FakeGateway {
    FakeGateway::new(&[READ, CREATE])
}

#[tokio::test]
async fn an_in_memory_call_gets_the_scripted_value_without_token_or_socket() {
    let before = network_requests_sent();
    let fakes = gateway();
    fakes
        .operation::<serde_json::Value, ()>(READ, 200)
        .returns(&serde_json::json!({"id": "t1", "size": 3}));
    let client = fakes.client();
    assert!(!client.uses_network());
    assert!(client.tokens().is_none());
    let value: serde_json::Value = client
        .get("/demo/v1/things/t1")
        .operation("getThing")
        .scopes(["scope:demo:read"])
        .query("full", true)
        .send_json()
        .await
        .unwrap();
    assert_eq!(value["size"], 3);
    let sent = fakes.sent_to("getThing");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].header("authorization"), None);
    assert!(sent[0].header("belgov-trace-id").is_some());
    assert_eq!(sent[0].query_param("full"), Some("true"));
    assert_eq!(sent[0].scopes, ["scope:demo:read"]);
    assert_eq!(network_requests_sent(), before);
}

#[tokio::test]
async fn path_parameters_are_read_back_through_the_template() {
    let fakes = gateway();
    fakes.operation::<(), ()>(READ, 204).status(204);
    let client = fakes.client();
    client
        .get("/demo/v1/things/{thingId}")
        .operation("getThing")
        .path_param("thingId", "x y")
        .send()
        .await
        .unwrap();
    assert_eq!(
        fakes.sent()[0].path_param("thingId").as_deref(),
        Some("x y")
    );
}

#[tokio::test(start_paused = true)]
async fn answers_are_given_in_order_and_the_last_one_repeats() {
    let fakes = gateway();
    fakes
        .operation::<serde_json::Value, ()>(READ, 200)
        .status(503)
        .returns(&serde_json::json!({"n": 1}));
    let client = fakes.client();
    let call = || {
        client
            .get("/demo/v1/things/t1")
            .operation("getThing")
            .send()
    };
    let first = call().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.attempts(), 2, "the 503 is retried like a real one");
    assert_eq!(
        call().await.unwrap().attempts(),
        1,
        "the last answer repeats"
    );
    let attempts: Vec<u32> = fakes.sent().iter().map(|r| r.attempt).collect();
    assert_eq!(attempts, [1, 2, 1]);
}

#[tokio::test(start_paused = true)]
async fn a_simulated_timeout_is_retried_for_a_get_and_not_for_a_post() {
    let fakes = gateway();
    fakes
        .operation::<serde_json::Value, ()>(READ, 200)
        .fault(Fault::Timeout)
        .returns(&serde_json::json!({}));
    fakes
        .operation::<serde_json::Value, ()>(CREATE, 201)
        .fault(Fault::ConnectionClosed);
    let client = fakes.client();
    let read = client
        .get("/demo/v1/things/t1")
        .operation("getThing")
        .send()
        .await
        .unwrap();
    assert_eq!(read.attempts(), 2);
    let error = client
        .post("/demo/v1/things")
        .operation("createThing")
        .json(&serde_json::json!({"name": "x"}))
        .send()
        .await
        .unwrap_err();
    let transport = error.transport().expect("a transport error");
    assert_eq!(transport.kind, TransportErrorKind::ConnectionClosed);
    assert!(
        transport.url.ends_with("/demo/v1/things"),
        "the template, as on the network: {}",
        transport.url
    );
    assert_eq!(
        fakes.sent_to("createThing").len(),
        1,
        "a POST is not repeated"
    );
}

#[tokio::test]
async fn a_scripted_problem_is_a_typed_belgif_problem() {
    let fakes = gateway();
    let problem = Problem {
        type_uri: Some("urn:problem-type:belgif:resourceNotFound".into()),
        status: Some(404),
        ..Problem::default()
    };
    fakes
        .operation::<serde_json::Value, ()>(READ, 200)
        .problem(problem);
    let error = fakes
        .client()
        .get("/demo/v1/things/t1")
        .operation("getThing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert_eq!(
        error.problem().unwrap().problem_type(),
        ProblemType::ResourceNotFound
    );
}

#[tokio::test]
async fn an_unscripted_request_is_an_error_naming_the_operation_and_how_to_script_it() {
    let fakes = gateway().allow_unmatched();
    fakes.reply_to(
        "createThing",
        Reply::Answer(TransportResponse::new(StatusCode::CREATED, "")),
    );
    let error = fakes
        .client()
        .get("/demo/v1/things/t1")
        .operation("getThing")
        .send()
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("operation `getThing` (GET /demo/v1/things/t1)"),
        "{message}"
    );
    assert!(
        message.contains("fakes.get_thing().returns(…)"),
        "{message}"
    );
    assert!(
        message.contains("operations with answers: createThing"),
        "{message}"
    );
    assert!(matches!(error.kind(), ErrorKind::Transport(_)));
    assert_eq!(fakes.unmatched().len(), 1);
    assert!(fakes.verify().unwrap_err().contains("1 request(s)"));
}

#[tokio::test]
#[should_panic(expected = "without a scripted answer")]
async fn an_unscripted_request_fails_the_test_even_when_the_code_swallows_the_error() {
    let fakes = gateway();
    let _ignored = fakes.client().get("/demo/v1/other").send().await;
}

#[tokio::test]
async fn interceptors_see_in_memory_calls_as_they_see_network_ones() {
    struct Audit(Arc<Mutex<Vec<String>>>);
    impl Interceptor for Audit {
        fn before_send(
            &self,
            call: &CallInfo<'_>,
            headers: &mut http::HeaderMap,
        ) -> Result<(), InterceptorError> {
            let seen = format!("{} {:?}", call.path_template(), call.legal_context());
            self.0.lock().unwrap().push(seen);
            headers.insert("x-audit", http::HeaderValue::from_static("1"));
            Ok(())
        }
    }
    let audit = Arc::new(Mutex::new(Vec::new()));
    let fakes = gateway();
    fakes.operation::<(), ()>(READ, 204).status(204);
    let client = fakes.client().with_interceptor(Audit(audit.clone()));
    client
        .get("/demo/v1/things/t1")
        .operation("getThing")
        .audit_legal_context(Some("SOME:CONTEXT"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        *audit.lock().unwrap(),
        ["/demo/v1/things/t1 Some(\"SOME:CONTEXT\")"]
    );
    assert_eq!(fakes.sent()[0].header("x-audit"), Some("1"));
    assert_eq!(
        fakes.sent()[0].legal_context.as_deref(),
        Some("SOME:CONTEXT")
    );
}

#[tokio::test(start_paused = true)]
async fn a_gateway_that_never_answers_is_cut_by_the_attempt_timeout_and_retried() {
    let fakes = gateway();
    fakes
        .operation::<serde_json::Value, ()>(READ, 200)
        .fault(Fault::NoAnswer)
        .returns(&serde_json::json!({"ok": true}));
    let started = tokio::time::Instant::now();
    let answer = fakes
        .client()
        .get("/demo/v1/things/t1")
        .operation("getThing")
        .attempt_timeout(std::time::Duration::from_secs(4))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.attempts(), 2);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(4),
        "the first attempt waited for its timeout: {:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_gateway_that_never_answers_ends_the_call_at_its_total_timeout() {
    let fakes = gateway();
    fakes
        .operation::<serde_json::Value, ()>(READ, 200)
        .fault(Fault::NoAnswer);
    let error = fakes
        .client()
        .get("/demo/v1/things/t1")
        .operation("getThing")
        .timeout(std::time::Duration::from_secs(10))
        .attempt_timeout(std::time::Duration::from_secs(60))
        .send()
        .await
        .unwrap_err();
    let transport = error.transport().expect("a timeout");
    assert_eq!(transport.kind, TransportErrorKind::Timeout);
    assert!(
        transport.message.contains("total timeout"),
        "{}",
        transport.message
    );
}
