//! The admin HTTP API.

use crate::common::*;
use bcss_sandbox::{Fault, Settings};
use serde_json::json;

#[tokio::test]
async fn admin_log_lists_requests_and_delete_clears_it() {
    let sandbox = start().await;
    gateway_get(&sandbox, "/demo/v1/persons/1", None).await;
    let log = admin(&sandbox, reqwest::Method::GET, "/log", None).await;
    assert_eq!(log.status, 200);
    let entries = log.body.as_array().expect("array");
    assert_eq!(entries.len(), 1, "admin requests themselves are not logged");
    assert_eq!(entries[0]["outcome"], "noAccessToken");
    assert_eq!(entries[0]["listener"], "gateway_mtls");

    assert_eq!(
        admin(&sandbox, reqwest::Method::DELETE, "/log", None)
            .await
            .status,
        204
    );
    assert!(sandbox.log().is_empty());
}

#[tokio::test]
async fn admin_fault_post_applies_and_delete_clears() {
    let sandbox = start().await;
    let rule = json!({"target": "gateway", "times": 0, "fault": {"kind": "internal_server_error"}});
    let posted = admin(&sandbox, reqwest::Method::POST, "/faults", Some(rule)).await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    for _ in 0..2 {
        let answer = gateway_get(&sandbox, "/demo/v1/persons/1", None).await;
        assert_eq!(
            answer.error(),
            "urn:problem-type:belgif:internalServerError"
        );
    }
    let listed = admin(&sandbox, reqwest::Method::GET, "/faults", None).await;
    assert_eq!(listed.body[0]["fault"]["kind"], "internal_server_error");
    assert_eq!(
        admin(&sandbox, reqwest::Method::DELETE, "/faults", None)
            .await
            .status,
        204
    );
    assert_eq!(
        gateway_get(&sandbox, "/demo/v1/persons/1", None)
            .await
            .status,
        401
    );

    let bad = admin(
        &sandbox,
        reqwest::Method::POST,
        "/faults",
        Some(json!({"target": "moon"})),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body["error"]
            .as_str()
            .expect("message")
            .contains("fault rule")
    );
    let _ = Fault::BadGateway;
}

#[tokio::test]
async fn admin_settings_put_merges_only_the_keys_sent_and_rejects_unknown_keys() {
    let sandbox = start().await;
    let current = admin(&sandbox, reqwest::Method::GET, "/settings", None).await;
    let settings: Settings = serde_json::from_value(current.body).expect("settings");
    assert_eq!(settings, Settings::default());

    let merged = admin(
        &sandbox,
        reqwest::Method::PUT,
        "/settings",
        Some(json!({"token_lifetime_secs": 5, "audience": "issuer"})),
    )
    .await;
    assert_eq!(merged.status, 200);
    let now = sandbox.settings();
    assert_eq!(now.token_lifetime_secs, 5);
    assert_eq!(now.audience, bcss_sandbox::AudienceMode::Issuer);
    assert_eq!(
        now.max_assertion_lifetime_secs, 600,
        "untouched keys keep their value"
    );

    let typo = admin(
        &sandbox,
        reqwest::Method::PUT,
        "/settings",
        Some(json!({"token_lifetime": 5})),
    )
    .await;
    assert_eq!(typo.status, 400);
    assert!(
        typo.body["error"]
            .as_str()
            .expect("message")
            .contains("unknown setting")
    );
    let wrong_type = admin(
        &sandbox,
        reqwest::Method::PUT,
        "/settings",
        Some(json!({"audience": 3})),
    )
    .await;
    assert_eq!(wrong_type.status, 400);
}

#[tokio::test]
async fn admin_routes_and_health_script_the_gateway() {
    let sandbox = start().await;
    let route = json!({
        "method": "get",
        "path": "/petStore/v1/pets",
        "required_scopes": [CONSULT],
        "response": {"status": 200, "body": {"items": [], "total": 0}}
    });
    assert_eq!(
        admin(&sandbox, reqwest::Method::POST, "/routes", Some(route))
            .await
            .status,
        201
    );
    let token = access_token(&sandbox).await;
    let pets = gateway_get(&sandbox, "/petStore/v1/pets", Some(&token)).await;
    assert_eq!(
        (pets.status, pets.body.clone()),
        (200, json!({"items": [], "total": 0}))
    );
    assert_eq!(pets.header("content-type"), Some("application/json"));

    let health = admin(
        &sandbox,
        reqwest::Method::PUT,
        "/health/petStore",
        Some(json!({"status": "DOWN"})),
    )
    .await;
    assert_eq!(health.status, 200);
    assert_eq!(
        gateway_get(&sandbox, "/petStore/v1/health", Some(&token))
            .await
            .status,
        503
    );

    let bad = admin(
        &sandbox,
        reqwest::Method::POST,
        "/routes",
        Some(json!({"method": "GET"})),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body["error"].is_string());
}

#[tokio::test]
async fn admin_endpoints_and_unknown_paths_answer_json() {
    let sandbox = start().await;
    let endpoints = admin(&sandbox, reqwest::Method::GET, "/endpoints", None).await;
    assert_eq!(
        endpoints.body,
        serde_json::to_value(sandbox.endpoints()).expect("json")
    );
    let unknown = admin(&sandbox, reqwest::Method::GET, "/nope", None).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body["error"].is_string());
}
