//! The gateway listeners: bearer checks, scopes, routes, health, problems, trace headers, mTLS.

use crate::common::*;
use bcss_sandbox::{Fault, FaultRule, FaultTarget, HealthStatus, Listener, Route, RouteResponse};
use serde_json::json;

fn assert_invalid_token_challenge(answer: &Answer) {
    assert_eq!(
        answer.header("www-authenticate"),
        Some(r#"Bearer realm="bcss-sandbox", error="invalid_token""#)
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn demo_person_echoes_the_path_ssin_over_mtls_and_logs_cert_and_token_id() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    let answer = gateway_get(&sandbox, "/demo/v1/persons/85073003328", Some(&token)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["ssin"], "85073003328");
    assert_eq!(answer.body["name"], json!({"fr": "Jean", "nl": "Jan"}));
    let self_link = format!(
        "{}/demo/v1/persons/85073003328",
        sandbox.endpoints().gateway_mtls_url
    );
    assert_eq!(answer.body["self"], self_link);

    let entry = sandbox.log().pop().expect("logged");
    assert_eq!(entry.listener, Listener::GatewayMtls);
    let subject = entry.client_certificate.expect("client certificate logged");
    assert!(
        subject.contains(&format!("CN={}", sandbox.endpoints().client_id)),
        "{subject}"
    );
    assert_eq!(entry.headers["authorization"], "Bearer [redacted]");
    let token_claims = token.split('.').nth(1).expect("claims");
    assert!(entry.access_token_id.is_some());
    assert!(
        !serde_json::to_string(&sandbox.log())
            .expect("json")
            .contains(token_claims)
    );
}

#[tokio::test]
async fn responses_carry_a_fresh_trace_id_and_echo_the_request_trace_id() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    let url = format!("{}/demo/v1/persons/1", sandbox.endpoints().gateway_url);
    let response = http(&sandbox)
        .get(&url)
        .bearer_auth(&token)
        .header("BelGov-Trace-Id", "trace-from-client")
        .send()
        .await
        .expect("reachable");
    let answer = answer(response).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("belgov-related-trace-id"),
        Some("trace-from-client")
    );
    let ours = answer.header("belgov-trace-id").expect("trace id");
    assert!(uuid::Uuid::parse_str(ours).is_ok());
    assert_eq!(
        sandbox.log().pop().expect("logged").trace_id.as_deref(),
        Some("trace-from-client")
    );

    // Problems carry them too.
    let problem = answer_of(http(&sandbox).get(&url).send().await).await;
    assert!(problem.header("belgov-trace-id").is_some());
    assert_eq!(problem.header("belgov-related-trace-id"), None);
}

async fn answer_of(response: reqwest::Result<reqwest::Response>) -> Answer {
    answer(response.expect("reachable")).await
}

#[tokio::test]
async fn missing_bearer_token_is_401_no_access_token() {
    let sandbox = start().await;
    let answer = gateway_get(&sandbox, "/demo/v1/persons/1", None).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.error(), "urn:problem-type:belgif:noAccessToken");
    assert_eq!(
        answer.body["href"],
        "https://www.belgif.be/specification/rest/api-guide/problems/noAccessToken.html"
    );
    assert_eq!(answer.body["status"], 401);
    assert!(
        answer.body["instance"]
            .as_str()
            .expect("instance")
            .starts_with("urn:uuid:")
    );
    assert_invalid_token_challenge(&answer);
}

#[tokio::test]
async fn access_token_in_the_query_is_401_no_access_token() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    let answer = gateway_get(
        &sandbox,
        &format!("/demo/v1/persons/1?access_token={token}"),
        None,
    )
    .await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.error(), "urn:problem-type:belgif:noAccessToken");
    assert!(
        answer
            .description()
            .contains("only the Authorization: Bearer header")
    );
}

#[tokio::test]
async fn garbage_or_foreign_token_is_401_invalid_access_token() {
    let sandbox = start().await;
    let answer = gateway_get(&sandbox, "/demo/v1/persons/1", Some("not-a-jwt")).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.error(), "urn:problem-type:belgif:invalidAccessToken");
    assert_invalid_token_challenge(&answer);

    // A well-formed token from another sandbox (another signing key).
    let other = start().await;
    let foreign = access_token(&other).await;
    let answer = gateway_get(&sandbox, "/demo/v1/persons/1", Some(&foreign)).await;
    assert_eq!(answer.error(), "urn:problem-type:belgif:invalidAccessToken");
}

#[tokio::test]
async fn token_issued_with_zero_lifetime_is_401_expired_access_token() {
    let sandbox = start().await;
    sandbox.update_settings(|s| s.token_lifetime_secs = 0);
    let token = access_token(&sandbox).await;
    let answer = gateway_get(&sandbox, "/demo/v1/persons/1", Some(&token)).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.error(), "urn:problem-type:belgif:expiredAccessToken");
    assert_invalid_token_challenge(&answer);
}

#[tokio::test]
async fn expired_token_fault_rejects_a_valid_token_once() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    sandbox.push_fault(FaultRule::once(FaultTarget::Gateway, Fault::ExpiredToken));
    let first = gateway_get(&sandbox, "/demo/v1/persons/1", Some(&token)).await;
    assert_eq!(first.error(), "urn:problem-type:belgif:expiredAccessToken");
    let second = gateway_get(&sandbox, "/demo/v1/persons/1", Some(&token)).await;
    assert_eq!(second.status, 200);
}

#[tokio::test]
async fn token_without_the_route_scope_is_403_missing_scope_with_required_scopes() {
    let sandbox = start().await;
    let mut request = form(&assertion(&sandbox, |_| {}));
    request.push(("scope", CONSULT.to_string()));
    let token = token_request(&sandbox, &request).await.body["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    let url = format!(
        "{}/demo/v1/persons/1/address",
        sandbox.endpoints().gateway_mtls_url
    );
    let response = mtls(&sandbox, sandbox.client())
        .put(url)
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await;
    let answer = answer_of(response).await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.error(), "urn:problem-type:belgif:missingScope");
    assert_eq!(answer.body["requiredScopes"], json!([UPDATE]));
    assert_eq!(
        answer.header("www-authenticate"),
        Some(
            format!(r#"Bearer realm="bcss-sandbox", error="insufficient_scope", scope="{UPDATE}""#)
                .as_str()
        )
    );
}

#[tokio::test]
async fn demo_query_echoes_ssins_and_address_update_is_204() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    let base = &sandbox.endpoints().gateway_url;
    let client = http(&sandbox);
    let query = client
        .post(format!("{base}/demo/v1/persons/query"))
        .bearer_auth(&token)
        .json(&json!({"ssin": ["1", "2"]}))
        .send()
        .await;
    let answer = answer_of(query).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["total"], 2);
    assert_eq!(answer.body["items"][1]["ssin"], "2");
    let put = client
        .put(format!("{base}/demo/v1/persons/1/address"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await;
    assert_eq!(put.expect("reachable").status().as_u16(), 204);
}

#[tokio::test]
async fn unknown_api_and_unknown_resource_are_404_and_wrong_method_is_405() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    let answer = gateway_get(&sandbox, "/petStore/v1/pets", Some(&token)).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.error(), "urn:problem-type:belgif:resourceNotFound");
    assert_eq!(
        answer.description(),
        "API petStore is not deployed in this environment"
    );

    let answer = gateway_get(&sandbox, "/demo/v1/cars", Some(&token)).await;
    assert_eq!(
        (answer.status, answer.error()),
        (404, "urn:problem-type:belgif:resourceNotFound")
    );

    let url = format!("{}/demo/v1/persons/1", sandbox.endpoints().gateway_url);
    let response = http(&sandbox)
        .delete(url)
        .bearer_auth(&token)
        .send()
        .await
        .expect("reachable");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "GET");
}

#[tokio::test]
async fn health_is_up_degraded_or_down_with_503_and_needs_a_token_by_default() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    assert_eq!(
        gateway_get(&sandbox, "/demo/health", None).await.status,
        401
    );

    let up = gateway_get(&sandbox, "/demo/v1/health", Some(&token)).await;
    assert_eq!((up.status, up.body.clone()), (200, json!({"status": "UP"})));
    sandbox.set_health("demo", HealthStatus::Degraded);
    assert_eq!(
        gateway_get(&sandbox, "/demo/health", Some(&token))
            .await
            .body["status"],
        "DEGRADED"
    );
    sandbox.set_health("demo", HealthStatus::Down);
    let down = gateway_get(&sandbox, "/demo/health", Some(&token)).await;
    assert_eq!(
        (down.status, down.body.clone()),
        (503, json!({"status": "DOWN"}))
    );

    sandbox.update_settings(|s| s.health_requires_token = false);
    sandbox.set_health("demo", HealthStatus::Custom("MAINTENANCE".into()));
    let custom = gateway_get(&sandbox, "/demo/health", None).await;
    assert_eq!(
        (custom.status, custom.body.clone()),
        (200, json!({"status": "MAINTENANCE"}))
    );

    let unknown = gateway_get(&sandbox, "/nope/health", None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.description(),
        "API nope is not deployed in this environment"
    );
}

#[tokio::test]
async fn registered_route_serves_its_canned_response_with_placeholders() {
    let sandbox = start().await;
    sandbox.register_route(Route::get(
        "/petStore/v1/pets/{petId}",
        &[CONSULT],
        RouteResponse::json(200, json!({"id": "{petId}", "self": "{request_url}"}))
            .header("ETag", "\"{petId}\""),
    ));
    let token = access_token(&sandbox).await;
    let answer = gateway_get(&sandbox, "/petStore/v1/pets/42", Some(&token)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["id"], "42");
    assert_eq!(answer.header("etag"), Some("\"42\""));
    let health = gateway_get(&sandbox, "/petStore/v1/health", Some(&token)).await;
    assert_eq!(health.body["status"], "UP");
}

#[tokio::test]
async fn a_content_type_header_on_a_route_replaces_the_default_and_sends_text_as_is() {
    let sandbox = start().await;
    sandbox.register_route(Route::get(
        "/demo/v1/teapot",
        &[],
        RouteResponse::json(418, json!("short and stout")).header("Content-Type", "text/plain"),
    ));
    let token = access_token(&sandbox).await;
    let url = format!("{}/demo/v1/teapot", sandbox.endpoints().gateway_url);
    let response = http(&sandbox)
        .get(url)
        .bearer_auth(&token)
        .send()
        .await
        .expect("reachable");
    assert_eq!(response.status().as_u16(), 418);
    let types: Vec<_> = response.headers().get_all("content-type").iter().collect();
    assert_eq!(types, ["text/plain"]);
    assert_eq!(response.text().await.expect("body"), "short and stout");
}

#[tokio::test]
async fn gateway_fault_with_times_one_applies_once_with_retry_after() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    sandbox.push_fault(
        FaultRule::once(
            FaultTarget::Gateway,
            Fault::TooManyRequests {
                retry_after_secs: 7,
            },
        )
        .path_prefix("/demo/v1/persons"),
    );
    let first = gateway_get(&sandbox, "/demo/v1/persons/1", Some(&token)).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.error(), "urn:problem-type:belgif:tooManyRequests");
    assert_eq!(first.header("retry-after"), Some("7"));
    assert_eq!(first.body["retryAfterSec"], 7);
    let second = gateway_get(&sandbox, "/demo/v1/persons/1", Some(&token)).await;
    assert_eq!(second.status, 200);
    let outcomes: Vec<String> = sandbox
        .log()
        .into_iter()
        .filter(|e| e.listener == Listener::GatewayMtls)
        .map(|e| e.outcome)
        .collect();
    assert_eq!(outcomes, ["fault:too_many_requests", "ok"]);
}

#[tokio::test]
async fn service_unavailable_and_bad_gateway_faults_answer_belgif_problems() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    sandbox.push_fault(FaultRule::once(
        FaultTarget::Gateway,
        Fault::ServiceUnavailable {
            retry_after_secs: 2,
        },
    ));
    sandbox.push_fault(FaultRule::once(FaultTarget::Gateway, Fault::BadGateway));
    let first = gateway_get(&sandbox, "/demo/v1/persons/1", Some(&token)).await;
    assert_eq!(
        (first.status, first.error()),
        (503, "urn:problem-type:belgif:serviceUnavailable")
    );
    assert_eq!(first.body["retryAfterSec"], 2);
    let second = gateway_get(&sandbox, "/demo/v1/persons/1", Some(&token)).await;
    assert_eq!(
        (second.status, second.error()),
        (502, "urn:problem-type:belgif:badGateway")
    );
}

#[tokio::test]
async fn drop_connection_fault_gives_the_client_a_transport_error() {
    let sandbox = start().await;
    sandbox.push_fault(FaultRule::once(FaultTarget::Gateway, Fault::DropConnection));
    let url = format!("{}/demo/v1/persons/1", sandbox.endpoints().gateway_url);
    let result = http(&sandbox).get(&url).send().await;
    assert!(
        result.is_err(),
        "expected a transport error, got {result:?}"
    );
    assert_eq!(sandbox.log()[0].outcome, "fault:drop_connection");

    // Over HTTP/1.1 as well.
    sandbox.push_fault(FaultRule::once(FaultTarget::Gateway, Fault::DropConnection));
    let h1 = reqwest::Client::builder()
        .tls_backend_rustls()
        .tls_certs_only([reqwest::Certificate::from_pem(sandbox.ca_pem().as_bytes()).expect("ca")])
        .http1_only()
        .build()
        .expect("client");
    assert!(h1.get(&url).send().await.is_err());
}

#[tokio::test]
async fn delay_fault_delays_then_answers_normally() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    sandbox.push_fault(FaultRule::once(
        FaultTarget::Gateway,
        Fault::Delay { millis: 300 },
    ));
    let started = std::time::Instant::now();
    let answer = gateway_get(&sandbox, "/demo/v1/persons/1", Some(&token)).await;
    assert_eq!(answer.status, 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

#[tokio::test]
async fn mtls_gateway_rejects_no_certificate_foreign_ca_and_expired_certificate() {
    let sandbox = start().await;
    let url = format!("{}/demo/health", sandbox.endpoints().gateway_mtls_url);
    assert!(
        http(&sandbox).get(&url).send().await.is_err(),
        "no client certificate"
    );
    let foreign = sandbox.mint_foreign_client("foreign");
    assert!(
        mtls(&sandbox, &foreign).get(&url).send().await.is_err(),
        "foreign CA"
    );
    let expired = sandbox.mint_expired_client("expired");
    assert!(
        mtls(&sandbox, &expired).get(&url).send().await.is_err(),
        "expired certificate"
    );
    let trusted = sandbox.mint_client("trusted-but-not-registered");
    let response = mtls(&sandbox, &trusted)
        .get(&url)
        .send()
        .await
        .expect("trusted certificate connects");
    assert_eq!(response.status().as_u16(), 401, "TLS passed, token missing");
    // None of the failed handshakes reached HTTP, so only the last request is logged.
    assert_eq!(sandbox.log().len(), 1);
}

#[tokio::test]
async fn tls_gateway_and_auth_listener_accept_clients_without_certificate() {
    let sandbox = start().await;
    let answer = answer_of(
        http(&sandbox)
            .get(format!("{}/demo/health", sandbox.endpoints().gateway_url))
            .send()
            .await,
    )
    .await;
    assert_eq!(answer.status, 401);
    let entry = sandbox.log().pop().expect("logged");
    assert_eq!(
        (entry.listener, entry.client_certificate),
        (Listener::GatewayTls, None)
    );

    // The auth listener logs a client certificate when one is presented.
    let response = mtls(&sandbox, sandbox.client())
        .get(&sandbox.endpoints().metadata_url)
        .send()
        .await;
    assert_eq!(response.expect("reachable").status().as_u16(), 200);
    let entry = sandbox.log().pop().expect("logged");
    assert!(
        entry
            .client_certificate
            .expect("subject")
            .contains("CN=sandbox:partner:client:confidential")
    );
}
