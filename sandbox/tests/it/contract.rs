//! Serving API contracts: routes, scopes and answers from the sample contracts in `specs/`,
//! and Belgif request validation.

use crate::common::*;
use bcss_sandbox::{LogEntry, Sandbox, SandboxConfig, SandboxError, ServedApi};
use serde_json::{Value, json};
use std::path::PathBuf;

const CONSULT: &str = "scope:cbss:api:socialStatus:consult";
const UPDATE: &str = "scope:cbss:api:socialStatus:update";
const LEGAL_CONTEXT: &str = "FAMILY_ALLOWANCES:ENTITLEMENT";

fn spec(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

async fn serving(name: &str) -> (Sandbox, ServedApi) {
    let sandbox = start().await;
    let api = sandbox
        .serve_contract(&spec(name))
        .expect("contract served");
    (sandbox, api)
}

/// A token for the registered client limited to `scopes`.
async fn token_with(sandbox: &Sandbox, scopes: &[&str]) -> String {
    let mut form = form(&assertion(sandbox, |_| {}));
    form.push(("scope", scopes.join(" ")));
    let answer = token_request(sandbox, &form).await;
    assert_eq!(answer.status, 200, "token request failed: {}", answer.body);
    answer.body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// Sends `method path` with `body` (JSON) over mTLS, plus extra headers.
async fn call(
    sandbox: &Sandbox,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    let url = format!("{}{path}", sandbox.endpoints().gateway_mtls_url);
    let mut request = mtls(sandbox, sandbox.client()).request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    answer(request.send().await.expect("gateway reachable")).await
}

fn query_body() -> Value {
    json!({
        "ssins": ["85073003328", "90010100123"],
        "legalContext": LEGAL_CONTEXT,
        "referenceDate": "2025-01-01",
    })
}

async fn search(sandbox: &Sandbox, token: &str, query: &str, body: Value) -> Answer {
    call(
        sandbox,
        reqwest::Method::POST,
        &format!("/socialStatus/v1/persons/query{query}"),
        Some(token),
        &[],
        Some(body),
    )
    .await
}

/// The only issue of a 400 badRequest.
fn single_issue(answer: &Answer) -> &Value {
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.error(), "urn:problem-type:belgif:badRequest");
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json")
    );
    let issues = answer.body["issues"].as_array().expect("issues[]");
    assert_eq!(issues.len(), 1, "{}", answer.body);
    &issues[0]
}

#[tokio::test]
async fn serving_a_contract_registers_its_operations_under_the_base_path() {
    let (sandbox, api) = serving("socialStatus").await;
    assert_eq!(api.title, "socialStatus");
    assert_eq!(api.base_path, "/socialStatus/v1");
    let search = api
        .operations
        .iter()
        .find(|o| o.operation_id == "searchPersons")
        .expect("searchPersons");
    assert_eq!(search.method, "POST");
    assert_eq!(search.path, "/socialStatus/v1/persons/query");
    assert_eq!(search.scopes, [CONSULT]);
    assert_eq!(search.status, 200);
    let health = api
        .operations
        .iter()
        .find(|o| o.path == "/socialStatus/v1/health")
        .expect("health");
    assert!(health.public);
    let accepted = api
        .operations
        .iter()
        .find(|o| o.operation_id == "requestStatusCertificate")
        .expect("requestStatusCertificate");
    assert_eq!(accepted.status, 202);
    assert_eq!(api.scopes, [CONSULT, UPDATE]);
    assert_eq!(sandbox.served_contracts(), std::slice::from_ref(&api));
    // Every operation has an example answer: nothing to warn about.
    assert!(api.warnings.is_empty(), "{:?}", api.warnings);
}

#[tokio::test]
async fn a_token_with_the_scope_gets_the_example_answer_over_mtls() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = token_with(&sandbox, &[CONSULT]).await;
    let answer = search(&sandbox, &token, "?page=1&pageSize=1", query_body()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.header("content-language"), Some("nl-BE"));
    assert_eq!(answer.body["items"][0]["ssin"], "85073003328");
    assert_eq!(answer.body["total"], 2);
    // Links of the example point at the sandbox, so a client can follow `next`.
    let gateway = &sandbox.endpoints().gateway_mtls_url;
    assert_eq!(
        answer.body["next"],
        format!("{gateway}/socialStatus/v1/persons/query?page=2&pageSize=1")
    );

    let entry = sandbox.log().pop().expect("logged");
    assert_eq!(entry.status, 200);
    assert_eq!(entry.legal_context.as_deref(), Some(LEGAL_CONTEXT));
    assert!(entry.client_certificate.is_some());
}

#[tokio::test]
async fn a_token_without_the_operation_scope_is_403_missing_scope() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = token_with(&sandbox, &[UPDATE]).await;
    let answer = search(&sandbox, &token, "", query_body()).await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert_eq!(answer.error(), "urn:problem-type:belgif:missingScope");
    assert_eq!(answer.body["requiredScopes"], json!([CONSULT]));
}

#[tokio::test]
async fn no_token_is_401_on_a_secured_operation() {
    let (sandbox, _) = serving("socialStatus").await;
    let answer = call(
        &sandbox,
        reqwest::Method::GET,
        "/socialStatus/v1/statusCertificates/c2b7e1d0-9f3a-4c58-8e6d-a1b2c3d4e5f6",
        None,
        &[],
        None,
    )
    .await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.error(), "urn:problem-type:belgif:noAccessToken");
}

#[tokio::test]
async fn health_of_a_served_contract_answers_up_without_a_token() {
    let (sandbox, _) = serving("socialStatus").await;
    assert!(sandbox.settings().health_requires_token);
    let answer = call(
        &sandbox,
        reqwest::Method::GET,
        "/socialStatus/v1/health",
        None,
        &[],
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body, json!({"status": "UP"}));
    // The demo API's health still wants a token (it declares nothing).
    let demo = gateway_get(&sandbox, "/demo/v1/health", None).await;
    assert_eq!(demo.status, 401);
}

#[tokio::test]
async fn an_unknown_query_parameter_is_400_unknown_input() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = access_token(&sandbox).await;
    let answer = search(&sandbox, &token, "?page=1&colour=blue", query_body()).await;
    let issue = single_issue(&answer);
    assert_eq!(
        issue["type"],
        "urn:problem-type:belgif:input-validation:unknownInput"
    );
    assert_eq!(issue["in"], "query");
    assert_eq!(issue["name"], "colour");
    assert_eq!(issue["value"], "blue");
    assert_eq!(sandbox.log().pop().expect("logged").outcome, "badRequest");
}

#[tokio::test]
async fn an_unknown_body_property_is_400_unknown_input() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = access_token(&sandbox).await;
    let mut body = query_body();
    body["nickname"] = json!("Jan");
    let answer = search(&sandbox, &token, "", body).await;
    let issue = single_issue(&answer);
    assert_eq!(
        issue["type"],
        "urn:problem-type:belgif:input-validation:unknownInput"
    );
    assert_eq!(issue["in"], "body");
    assert_eq!(issue["name"], "nickname");
}

#[tokio::test]
async fn unknown_headers_are_accepted() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = access_token(&sandbox).await;
    let answer = call(
        &sandbox,
        reqwest::Method::POST,
        "/socialStatus/v1/persons/query",
        Some(&token),
        &[("X-Partner-Note", "anything")],
        Some(query_body()),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn a_missing_legal_context_is_400_required_input() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = access_token(&sandbox).await;

    // In the body (searchPersons).
    let mut body = query_body();
    body.as_object_mut().expect("object").remove("legalContext");
    let answer = search(&sandbox, &token, "", body).await;
    let issue = single_issue(&answer);
    assert_eq!(
        issue["type"],
        "urn:problem-type:belgif-ext:input-validation:requiredInput"
    );
    assert_eq!(issue["in"], "body");
    assert_eq!(issue["name"], "legalContext");
    assert_eq!(sandbox.log().pop().expect("logged").legal_context, None);

    // In a header (getStatusHistory).
    let path = "/socialStatus/v1/persons/pZ3mK8sQ1vN0bT7yL2wR4e/statusHistory";
    let answer = call(
        &sandbox,
        reqwest::Method::GET,
        path,
        Some(&token),
        &[],
        None,
    )
    .await;
    let issue = single_issue(&answer);
    assert_eq!(
        issue["type"],
        "urn:problem-type:belgif-ext:input-validation:requiredInput"
    );
    assert_eq!(issue["in"], "header");
    assert_eq!(issue["name"], "LegalContext");

    let answer = call(
        &sandbox,
        reqwest::Method::GET,
        path,
        Some(&token),
        &[("LegalContext", LEGAL_CONTEXT)],
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.header("etag").is_some());
    let entry = sandbox.log().pop().expect("logged");
    assert_eq!(entry.legal_context.as_deref(), Some(LEGAL_CONTEXT));
}

#[tokio::test]
async fn an_ssin_failing_modulo_97_is_400_invalid_structure() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = access_token(&sandbox).await;
    let mut body = query_body();
    body["ssins"] = json!(["85073003328", "85073003329"]);
    let answer = search(&sandbox, &token, "", body).await;
    let issue = single_issue(&answer);
    assert_eq!(
        issue["type"],
        "urn:problem-type:belgif-ext:input-validation:invalidStructure"
    );
    assert_eq!(issue["in"], "body");
    assert_eq!(issue["name"], "ssins[1]");
    assert_eq!(issue["value"], "85073003329");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_400_schema_violation() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = access_token(&sandbox).await;
    let url = format!(
        "{}/socialStatus/v1/persons/query",
        sandbox.endpoints().gateway_mtls_url
    );
    let response = mtls(&sandbox, sandbox.client())
        .post(url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("ssins=85073003328")
        .send()
        .await
        .expect("reachable");
    let answer = answer(response).await;
    let issue = single_issue(&answer);
    assert_eq!(
        issue["type"],
        "urn:problem-type:belgif:input-validation:schemaViolation"
    );
    assert_eq!(issue["in"], "body");
}

#[tokio::test]
async fn several_issues_are_reported_together() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = access_token(&sandbox).await;
    let answer = search(&sandbox, &token, "?x=1", json!({"colour": "blue"})).await;
    assert_eq!(answer.status, 400);
    let names: Vec<(&str, &str)> = answer.body["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| {
            (
                i["in"].as_str().unwrap_or(""),
                i["name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("query", "x"),
            ("body", "colour"),
            ("body", "ssins"),
            ("body", "legalContext")
        ]
    );
}

#[tokio::test]
async fn a_202_carries_location_and_a_patch_its_etag() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = access_token(&sandbox).await;
    let accepted = call(
        &sandbox,
        reqwest::Method::POST,
        "/socialStatus/v1/persons/statusCertificates",
        Some(&token),
        &[],
        Some(json!({
            "ssin": "72021512380",
            "legalContext": "SOCIAL_WELFARE:INTEGRATION_INCOME",
            "referenceDate": "2025-01-01",
            "language": "fr",
        })),
    )
    .await;
    assert_eq!(accepted.status, 202, "{}", accepted.body);
    assert_eq!(accepted.body["state"], "processing");
    let gateway = &sandbox.endpoints().gateway_mtls_url;
    let location = accepted.header("location").expect("Location");
    assert!(
        location.starts_with(&format!(
            "{gateway}/socialStatus/v1/statusCertificateTasks/"
        )),
        "{location}"
    );
    assert_eq!(Some(location), accepted.body["self"].as_str());

    let url =
        format!("{gateway}/socialStatus/v1/persons/pZ3mK8sQ1vN0bT7yL2wR4e/contactPreferences");
    let response = mtls(&sandbox, sandbox.client())
        .patch(url)
        .bearer_auth(&token)
        .header("content-type", "application/merge-patch+json")
        .body(r#"{"email": null, "preferredLanguage": "fr"}"#)
        .send()
        .await
        .expect("reachable");
    let answer = answer(response).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("etag"), Some("\"b7c2e9d4\""));
}

#[tokio::test]
async fn binary_answers_carry_their_content_type() {
    let (sandbox, _) = serving("socialStatus").await;
    let token = access_token(&sandbox).await;
    let path = "/socialStatus/v1/statusCertificates/c2b7e1d0-9f3a-4c58-8e6d-a1b2c3d4e5f6";
    let url = format!("{}{path}", sandbox.endpoints().gateway_mtls_url);
    let response = mtls(&sandbox, sandbox.client())
        .get(&url)
        .bearer_auth(&token)
        .header("accept", "application/pdf")
        .send()
        .await
        .expect("reachable");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = response.bytes().await.expect("body");
    assert!(bytes.starts_with(b"%PDF-"));

    // Without Accept: the JSON representation.
    let json = call(
        &sandbox,
        reqwest::Method::GET,
        path,
        Some(&token),
        &[],
        None,
    )
    .await;
    assert_eq!(json.header("content-type"), Some("application/json"));
    assert_eq!(json.body["status"], "unemployed");
}

#[tokio::test]
async fn employer_registry_is_served_with_its_query_legal_context() {
    let (sandbox, api) = serving("employerRegistry").await;
    assert_eq!(api.base_path, "/employerRegistry/v1");
    let token = access_token(&sandbox).await;

    let path = "/employerRegistry/v1/employers/197532";
    let missing = call(
        &sandbox,
        reqwest::Method::GET,
        path,
        Some(&token),
        &[],
        None,
    )
    .await;
    let issue = single_issue(&missing);
    assert_eq!(issue["in"], "query");
    assert_eq!(issue["name"], "legalContext");

    let found = call(
        &sandbox,
        reqwest::Method::GET,
        &format!("{path}?legalContext=PAYROLL:SOCIAL_SECRETARIAT_MANDATE"),
        Some(&token),
        &[],
        None,
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.body["name"], "Brasserie Voorbeeld BV");
    assert_eq!(
        sandbox
            .log()
            .pop()
            .expect("logged")
            .legal_context
            .as_deref(),
        Some("PAYROLL:SOCIAL_SECRETARIAT_MANDATE")
    );

    // 200 is preferred over 206; binary download keeps its content type and header.
    let query = call(
        &sandbox,
        reqwest::Method::POST,
        "/employerRegistry/v1/employers/query",
        Some(&token),
        &[],
        Some(json!({
            "enterpriseNumbers": ["0123456749"],
            "legalContext": "PAYROLL:SOCIAL_SECRETARIAT_MANDATE",
        })),
    )
    .await;
    assert_eq!(query.status, 200, "{}", query.body);
    let url = format!(
        "{}/employerRegistry/v1/employers/197532/documents/e4d3c2b1-a0f9-4e8d-b7c6-a5b4c3d2e1f0/content",
        sandbox.endpoints().gateway_mtls_url
    );
    let response = mtls(&sandbox, sandbox.client())
        .get(url)
        .bearer_auth(&token)
        .send()
        .await
        .expect("reachable");
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(
        header("content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(
        header("content-disposition").as_deref(),
        Some("attachment; filename=\"mandate-2025.pdf\"")
    );
}

#[tokio::test]
async fn contracts_in_the_config_are_served_at_start_and_their_scopes_granted() {
    let sandbox = start_with(SandboxConfig {
        contracts: vec![spec("socialStatus"), spec("employerRegistry")],
        ..SandboxConfig::default()
    })
    .await;
    let served = sandbox.served_contracts();
    assert_eq!(served.len(), 2);
    assert!(
        sandbox
            .endpoints()
            .scopes
            .contains(&"scope:cbss:api:employerRegistry:consult".to_string())
    );
    // The default token (all granted scopes) works on both.
    let token = access_token(&sandbox).await;
    let answer = search(&sandbox, &token, "", query_body()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // The demo API is still there.
    let demo = gateway_get(&sandbox, "/demo/v1/persons/85073003328", Some(&token)).await;
    assert_eq!(demo.status, 200);
}

#[tokio::test]
async fn an_invalid_contract_is_a_clear_error_naming_the_file() {
    let sandbox = start().await;
    let error = sandbox
        .serve_contract(&spec("invalid/swagger-1.2.yaml"))
        .expect_err("Swagger 1.2 is refused");
    let SandboxError::Contract { path, message } = &error else {
        panic!("expected SandboxError::Contract, got {error:?}");
    };
    assert!(path.ends_with("swagger-1.2.yaml"));
    assert!(message.contains("swagger-1.2.yaml"), "{message}");
    assert!(message.contains("Swagger 1.2"), "{message}");
    assert!(error.to_string().contains("swagger-1.2.yaml"));

    for broken in [
        "invalid/dangling-ref.yaml",
        "invalid/yaml-syntax-error.yaml",
        "invalid/openapi-4.0.yaml",
        "invalid/ref-cycle/openapi.yaml",
        "invalid/unknown-type.yaml",
        "no/such/contract.yaml",
    ] {
        let error = sandbox.serve_contract(&spec(broken)).expect_err(broken);
        assert!(
            matches!(error, SandboxError::Contract { .. }),
            "{broken}: {error}"
        );
        let file = broken.rsplit('/').next().unwrap_or(broken);
        assert!(error.to_string().contains(file), "{error}");
    }

    // At start: the sandbox does not start.
    let config = SandboxConfig {
        contracts: vec![spec("invalid/swagger-1.2.yaml")],
        ..SandboxConfig::default()
    };
    let error = Sandbox::start(config).await.expect_err("refused");
    assert!(error.to_string().contains("swagger-1.2.yaml"), "{error}");
}

/// A contract without examples, with an `allOf` body: the answer is synthesized from the
/// schema and the merged properties are known.
#[tokio::test]
async fn all_of_bodies_and_answers_without_examples() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("openapi.yaml"),
        r##"
openapi: 3.0.3
info: {title: widgets, version: "1"}
servers: [{url: /widgets/v1}]
security: [{oauth: [scope:widgets]}]
paths:
  /widgets:
    post:
      operationId: createWidget
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Widget"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Widget"}
  /widgets/{id}:
    delete:
      operationId: deleteWidget
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: gone}
components:
  securitySchemes:
    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: /t, scopes: {scope:widgets: w}}}}
  schemas:
    Named:
      type: object
      properties:
        name: {type: string}
      required: [name]
    Widget:
      allOf:
        - $ref: "#/components/schemas/Named"
        - type: object
          properties:
            size: {type: integer, minimum: 3}
            created: {type: string, format: date}
            tags: {type: array, items: {type: string}}
          required: [size, created]
"##,
    )
    .expect("write contract");
    let (sandbox, api) = {
        let sandbox = start().await;
        let api = sandbox.serve_contract(dir.path()).expect("served");
        (sandbox, api)
    };
    assert!(
        api.warnings.iter().any(|w| w.contains("synthesized")),
        "{:?}",
        api.warnings
    );
    let token = access_token(&sandbox).await;
    let created = call(
        &sandbox,
        reqwest::Method::POST,
        "/widgets/v1/widgets",
        Some(&token),
        &[],
        Some(json!({"name": "w", "size": 4, "created": "2025-01-01"})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.body,
        json!({"name": "string", "size": 3, "created": "2025-01-01"})
    );

    let unknown = call(
        &sandbox,
        reqwest::Method::POST,
        "/widgets/v1/widgets",
        Some(&token),
        &[],
        Some(json!({"name": "w", "size": 4, "created": "2025-01-01", "colour": "red"})),
    )
    .await;
    assert_eq!(single_issue(&unknown)["name"], "colour");

    let deleted = call(
        &sandbox,
        reqwest::Method::DELETE,
        "/widgets/v1/widgets/w1",
        Some(&token),
        &[],
        None,
    )
    .await;
    assert_eq!(deleted.status, 204);
}

#[tokio::test]
async fn the_admin_api_serves_a_contract() {
    let sandbox = start().await;
    let url = format!("{}/contracts", sandbox.endpoints().admin_url);
    let path = spec("employerRegistry");
    let served = answer(
        reqwest::Client::new()
            .post(&url)
            .json(&json!({"path": path}))
            .send()
            .await
            .expect("admin reachable"),
    )
    .await;
    assert_eq!(served.status, 201, "{}", served.body);
    assert_eq!(served.body["base_path"], "/employerRegistry/v1");
    let listed = answer(reqwest::get(&url).await.expect("admin reachable")).await;
    assert_eq!(listed.body[0]["title"], "employerRegistry");
    assert_eq!(sandbox.served_contracts().len(), 1);

    let refused = answer(
        reqwest::Client::new()
            .post(&url)
            .json(&json!({"path": spec("invalid/swagger-1.2.yaml")}))
            .send()
            .await
            .expect("admin reachable"),
    )
    .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body["error"]
            .as_str()
            .unwrap_or("")
            .contains("swagger-1.2.yaml")
    );
}

#[test]
fn log_entries_without_legal_context_still_parse() {
    let old = json!({
        "seq": 1, "listener": "gateway_mtls", "method": "GET", "path": "/demo/v1/health",
        "headers": {}, "trace_id": null, "client_certificate": null, "status": 200,
        "outcome": "ok", "detail": null, "token": null, "access_token_id": null,
    });
    let entry: LogEntry = serde_json::from_value(old).expect("old log JSON parses");
    assert_eq!(entry.legal_context, None);
}

/// Swagger 2.0 and OpenAPI 3.1 contracts reach the sandbox through the generator's loader, as
/// OpenAPI 3.0: served under their base path, scopes checked, answers synthesised.
#[tokio::test]
async fn swagger2_and_openapi31_contracts_are_served() {
    let sandbox = start().await;
    let two = sandbox
        .serve_contract(&spec("swagger2/swagger.yaml"))
        .expect("Swagger 2.0 served");
    assert_eq!(two.base_path, "/documentExchange/v1");
    let three_one = sandbox
        .serve_contract(&spec("oas31"))
        .expect("OpenAPI 3.1 served");
    assert_eq!(three_one.base_path, "/noticeBoard/v1");
    let token = token_with(
        &sandbox,
        &[
            "scope:cbss:api:documentExchange:consult",
            "scope:cbss:api:noticeBoard:consult",
        ],
    )
    .await;
    let document = call(
        &sandbox,
        reqwest::Method::GET,
        "/documentExchange/v1/documents/0c5e8ab8-3a52-4a8e-9f1e-2f0b8c1d7e64",
        Some(&token),
        &[],
        None,
    )
    .await;
    assert_eq!(document.status, 200, "{}", document.body);
    assert!(document.body["documentId"].is_string(), "{}", document.body);
    let notices = call(
        &sandbox,
        reqwest::Method::GET,
        "/noticeBoard/v1/notices",
        Some(&token),
        &[],
        None,
    )
    .await;
    assert_eq!(notices.status, 200, "{}", notices.body);
    assert!(notices.body["items"].is_array(), "{}", notices.body);
    // The 2.0 oauth2 scopes are checked as 3.0 ones are.
    let publish = call(
        &sandbox,
        reqwest::Method::POST,
        "/documentExchange/v1/documents",
        Some(&token),
        &[],
        Some(json!({"title": "t", "documentType": "notice"})),
    )
    .await;
    assert_eq!(publish.status, 403, "{}", publish.body);
}
