//! Belgif problems come back typed; `/health` reads UP, DEGRADED and DOWN (503); trace headers.

use bcss_e2e::Harness;
use bcss_runtime::{HealthStatus, ProblemType, TRACE_ID};
use bcss_sandbox::{HealthStatus as SandboxHealth, Route, RouteResponse};
use serde_json::json;

#[tokio::test]
async fn missing_scope_is_a_typed_problem_with_required_scopes_and_a_hint() {
    let h = Harness::start().await;
    let client = h
        .client_with(|c| c.token.scopes = vec!["scope:cbss:api:demo:consult".into()])
        .unwrap();
    let err = client
        .put("/demo/v1/persons/00000000097/address")
        .json(&json!({}))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    let problem = err.problem().unwrap();
    assert_eq!(problem.problem_type(), ProblemType::MissingScope);
    assert_eq!(problem.required_scopes, ["scope:cbss:api:demo:update"]);
    let text = err.to_string();
    assert!(
        text.contains("the token carried scope:cbss:api:demo:consult"),
        "{text}"
    );
    assert!(text.contains("BelGov-Trace-Id"), "{text}");
}

#[tokio::test]
async fn bad_request_issues_and_unknown_problem_types_are_kept() {
    let h = Harness::start().await;
    h.sandbox.register_route(Route::post(
        "/demo/v1/persons/validate",
        &["scope:cbss:api:demo:consult"],
        RouteResponse::json(
            400,
            json!({
                "type": "urn:problem-type:belgif:badRequest", "status": 400, "title": "Bad Request",
                "issues": [{"type": "urn:problem-type:cbss:input-validation:replacedSsin",
                            "in": "body", "name": "ssin", "value": "00000000097", "replacedBy": "00000000196"}]
            }),
        )
        .header("content-type", "application/problem+json"),
    ));
    let err = h
        .client()
        .post("/demo/v1/persons/validate")
        .json(&json!({"ssin": "00000000097"}))
        .send()
        .await
        .unwrap_err();
    let issue = &err.problem().unwrap().issues[0];
    assert_eq!(issue.issue_type(), bcss_runtime::IssueType::ReplacedSsin);
    assert_eq!(issue.replaced_by.as_deref(), Some("00000000196"));
}

#[tokio::test]
async fn an_error_status_without_a_problem_body_is_an_unexpected_status_with_the_body() {
    let h = Harness::start().await;
    h.sandbox.register_route(Route::get(
        "/demo/v1/teapot",
        &[],
        RouteResponse::json(418, json!("short and stout")).header("content-type", "text/plain"),
    ));
    let err = h.client().get("/demo/v1/teapot").send().await.unwrap_err();
    assert!(
        matches!(
            err.kind(),
            bcss_runtime::ErrorKind::UnexpectedStatus { status: 418, .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("short and stout"));
}

#[tokio::test]
async fn decode_errors_name_the_json_path() {
    let h = Harness::start().await;
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Person {
        ssin: String,
        name: Names,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Names {
        fr: u32,
    }
    let err = h
        .client()
        .get("/demo/v1/persons/00000000097")
        .send_json::<Person>()
        .await
        .unwrap_err();
    let bcss_runtime::ErrorKind::Decode { json_path, .. } = err.kind() else {
        panic!("{err}")
    };
    assert_eq!(json_path, "name.fr");
}

#[tokio::test]
async fn health_reads_up_degraded_and_down_and_an_undeployed_api_is_a_not_found_problem() {
    let h = Harness::start().await;
    let client = h.client();
    assert_eq!(
        client.health("demo/v1").await.unwrap().status,
        HealthStatus::Up
    );
    h.sandbox.set_health("demo", SandboxHealth::Degraded);
    assert_eq!(
        client.health("demo/v1").await.unwrap().status,
        HealthStatus::Degraded
    );
    h.sandbox.set_health("demo", SandboxHealth::Down);
    let down = client.health("demo/v1").await.unwrap();
    assert_eq!((down.status, down.http_status), (HealthStatus::Down, 503));
    assert_eq!(
        h.gateway_requests().len(),
        3,
        "a DOWN answer is not retried"
    );

    let err = client.health("ghost/v1").await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(
        err.problem().unwrap().problem_type(),
        ProblemType::ResourceNotFound
    );
    assert!(err.to_string().contains("not deployed"), "{err}");
}

#[tokio::test]
async fn each_attempt_sends_a_fresh_trace_id_and_the_response_relates_to_it() {
    let h = Harness::start().await;
    let client = h.client();
    let a = client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap();
    let b = client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap();
    assert_ne!(a.trace().sent, b.trace().sent);
    assert!(uuid::Uuid::parse_str(&a.trace().sent).is_ok());
    assert_eq!(a.trace().related.as_deref(), Some(a.trace().sent.as_str()));
    assert!(a.trace().response.is_some() && a.trace().response != a.trace().related);
    assert_eq!(a.header(TRACE_ID), a.trace().response.as_deref());
    let logged: Vec<_> = h
        .gateway_requests()
        .into_iter()
        .filter_map(|e| e.trace_id)
        .collect();
    assert_eq!(logged, [a.trace().sent.clone(), b.trace().sent.clone()]);
}

#[tokio::test]
async fn accept_and_accept_language_headers_are_sent() {
    let h = Harness::start().await;
    let client = h
        .client_with(|c| c.accept_language = Some("nl-BE, nl;q=0.9, fr-BE;q=0.8".into()))
        .unwrap();
    client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap();
    let headers = &h.gateway_requests()[0].headers;
    assert_eq!(
        headers["accept"],
        "application/json, application/problem+json"
    );
    assert_eq!(headers["accept-language"], "nl-BE, nl;q=0.9, fr-BE;q=0.8");
}

#[tokio::test]
async fn etag_and_response_headers_are_exposed() {
    let h = Harness::start().await;
    h.sandbox.register_route(Route::get(
        "/demo/v1/documents/{id}",
        &["scope:cbss:api:demo:consult"],
        RouteResponse::json(200, json!({"id": "{id}"})).header("ETag", "\"v7\""),
    ));
    let r = h
        .client()
        .get("/demo/v1/documents/42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.etag(), Some("\"v7\""));
    assert_eq!(r.json::<serde_json::Value>().unwrap()["id"], "42");
}
