//! The operation-level parts of a contract, seen on the wire: every request media type, range
//! and `default` successes, parameter styles, `content` parameters, security alternatives and
//! `trace` — the generated employerRegistry client against the sandbox serving its contract.

use std::path::{Path, PathBuf};

use bcss_e2e::Harness;
use bcss_employer_registry::types::{ActivePeriod, ActivityFilter, SubscriptionRequest};
use bcss_sandbox::{BodyPart, LogEntry, SandboxConfig};
use serde_json::json;

const CONSULT: &str = "scope:cbss:api:employerRegistry:consult";

fn spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/employerRegistry")
}

async fn serving() -> (Harness, bcss_employer_registry::Client) {
    let h = Harness::start_with(SandboxConfig {
        scopes: vec![CONSULT.into()],
        ..SandboxConfig::default()
    })
    .await;
    h.sandbox
        .serve_contract(&spec())
        .expect("the sample contract is served");
    let client = bcss_employer_registry::Client::new(&h.config()).unwrap();
    (h, client)
}

fn calls(h: &Harness, fragment: &str) -> Vec<LogEntry> {
    h.gateway_requests()
        .into_iter()
        .filter(|e| e.path.contains(fragment))
        .collect()
}

fn content_type(e: &LogEntry) -> &str {
    e.headers.get("content-type").map_or("", String::as_str)
}

#[tokio::test]
async fn each_request_media_type_the_contract_allows_is_sent_typed() {
    let (h, client) = serving().await;
    let request: SubscriptionRequest = serde_json::from_value(json!({
        "eventType": "establishmentOpened",
        "callbackUri": "https://partner.example/notifications/employerRegistry",
    }))
    .unwrap();
    for call in [
        client.create_subscription(197532, &request),
        client.create_subscription_form(197532, &request),
        client.create_subscription_multipart(197532, &request),
    ] {
        assert_eq!(call.send().await.unwrap().status(), 201);
    }
    let sent = calls(&h, "/subscriptions");
    let types: Vec<&str> = sent.iter().map(content_type).collect();
    assert_eq!(types[0], "application/json");
    assert_eq!(types[1], "application/x-www-form-urlencoded");
    assert!(
        types[2].starts_with("multipart/form-data; boundary="),
        "{types:?}"
    );

    // Raw media types: the bytes as given, under the media type of the method.
    let document = "e4d3c2b1-a0f9-4e8d-b7c6-a5b4c3d2e1f0".parse().unwrap();
    client
        .replace_document_content_pdf(197532, document, &b"%PDF-1.7"[..], "application/pdf")
        .send()
        .await
        .unwrap();
    let put = calls(&h, "/content").pop().unwrap();
    assert_eq!(put.method, "PUT");
    assert_eq!(content_type(&put), "application/pdf");
}

#[tokio::test]
async fn a_typed_multipart_body_is_sent_as_multipart() {
    let (h, client) = serving().await;
    let body = serde_json::from_value(json!({
        "file": "JVBERi0xLjc=",
        "metadata": {"documentType": "mandate", "title": "Mandate social secretariat 2025"},
    }))
    .unwrap();
    let answer = client.upload_document(197532, &body).send().await.unwrap();
    assert_eq!(answer.status(), 201);
    let sent = calls(&h, "/documents").pop().unwrap();
    assert!(content_type(&sent).starts_with("multipart/form-data; boundary="));
    let part = |name: &str, file: bool, media: &str| BodyPart {
        name: name.into(),
        file,
        content_type: Some(media.into()),
    };
    assert_eq!(
        sent.body_parts,
        [
            // Binary (base64 in the struct): a file part of raw bytes, its type recognised
            // among the contract's `application/pdf, image/png, image/jpeg`.
            part("file", true, "application/pdf"),
            // An object: a JSON part, as `encoding.metadata.contentType` says.
            part("metadata", false, "application/json"),
        ]
    );

    // The same typed body framed as form fields: scalars become text parts.
    let request: SubscriptionRequest = serde_json::from_value(json!({
        "eventType": "establishmentOpened",
        "callbackUri": "https://partner.example/notifications/employerRegistry",
    }))
    .unwrap();
    client
        .create_subscription_multipart(197532, &request)
        .send()
        .await
        .unwrap();
    let sent = calls(&h, "/subscriptions").pop().unwrap();
    let text = "text/plain; charset=utf-8";
    assert_eq!(
        sent.body_parts,
        [
            part("eventType", false, text),
            part("callbackUri", false, text)
        ]
    );
}

#[tokio::test]
async fn range_and_default_successes_are_answers_not_unexpected_statuses() {
    let (h, client) = serving().await;
    let document = "e4d3c2b1-a0f9-4e8d-b7c6-a5b4c3d2e1f0".parse().unwrap();
    // `2XX` with a body: the sandbox answers 200 with a document.
    let replaced = client
        .replace_document_content(197532, document, &b"bytes"[..], "application/octet-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(replaced.status(), 200);
    // `default` as the only documented answer: any 2xx is the success.
    let cancelled = client
        .cancel_subscription(197532, document)
        .send()
        .await
        .unwrap();
    assert!(cancelled.status().is_success());
    assert_eq!(calls(&h, "/subscriptions/").pop().unwrap().method, "DELETE");
}

#[tokio::test]
async fn query_parameters_are_written_in_their_style() {
    let (h, client) = serving().await;
    let period: ActivePeriod = serde_json::from_value(json!({"from": "2024-01-01"})).unwrap();
    let filter: ActivityFilter =
        serde_json::from_value(json!({"naceSection": "I", "minimumWorkerCount": 5})).unwrap();
    let page = client
        .list_establishments(197532)
        .activity_code(serde_json::from_value(json!(["56101", "56102"])).unwrap())
        .sort(serde_json::from_value(json!(["-startDate", "name"])).unwrap())
        .post_code(serde_json::from_value(json!(["9000", "9032"])).unwrap())
        .active_period(period)
        .activity_filter(filter)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the sandbox accepted every parameter");
    let path = calls(&h, "/establishments").pop().unwrap().path;
    let query = path.split_once('?').unwrap().1;
    let pieces: Vec<&str> = query.split('&').collect();
    assert_eq!(
        pieces,
        [
            "activityCode=56101",
            "activityCode=56102",
            // form, explode: false
            "sort=-startDate,name",
            "postCode=9000|9032",
            "activePeriod[from]=2024-01-01",
            // content: application/json
            "activityFilter=%7B%22naceSection%22%3A%22I%22%2C%22minimumWorkerCount%22%3A5%7D",
        ],
        "{path}"
    );
}

#[tokio::test]
async fn any_security_alternative_the_partner_holds_is_used() {
    let contract = bcss_codegen::Contract::load(&spec()).unwrap();
    let api = bcss_codegen::ir::Api::from_contract(&contract).unwrap();
    let list = api
        .operations
        .iter()
        .find(|o| o.fn_name == "list_establishments")
        .unwrap();
    assert_eq!(
        list.security,
        [
            vec!["scope:cbss:api:employerRegistry:inspect".to_owned()],
            vec![CONSULT.to_owned()]
        ],
        "both alternatives are kept"
    );

    // The annex grants only the second alternative; the token carries only it, and the call
    // goes through.
    let (h, client) = serving().await;
    assert_eq!(bcss_employer_registry::Client::SCOPES, [CONSULT]);
    let page = client.list_establishments(197532).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let token = &h.token_requests()[0];
    let scope = token.token.as_ref().and_then(|t| t.scope.clone());
    assert_eq!(scope.as_deref(), Some(CONSULT));
}

#[tokio::test]
async fn trace_operations_are_generated_and_sent() {
    let (h, client) = serving().await;
    let echoed = client.trace_employer(197532).send().await.unwrap();
    assert_eq!(echoed.status(), 200);
    let call = calls(&h, "/employers/197532").pop().unwrap();
    assert_eq!(call.method, "TRACE");
}

#[tokio::test]
async fn path_and_header_parameters_are_written_in_their_style() {
    // The runtime helpers the generated builders call, against a scripted route: label and
    // matrix path segments, an exploded object header, a JSON `content` header.
    use bcss_runtime::params::ParamStyle;
    use bcss_sandbox::{Route, RouteResponse};
    let h = Harness::start().await;
    h.sandbox.register_route(Route::get(
        "/demo/v1/units/{label}/{matrix}",
        &[],
        RouteResponse::json(200, json!({})),
    ));
    let answer = h
        .client()
        .get("/demo/v1/units/{label}/{matrix}")
        .path_param_styled("label", &["56101", "56102"], ParamStyle::Label, false)
        .path_param_styled("matrix", &["9000", "9032"], ParamStyle::Matrix, true)
        .header_param_styled(
            "X-Period",
            &json!({"from": "2024-01-01", "to": "2024-12-31"}),
            ParamStyle::Simple,
            true,
        )
        .header_param_styled(
            "X-Filter",
            &json!({"naceSection": "I"}),
            ParamStyle::Json,
            false,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let call = calls(&h, "/demo/v1/units/").pop().unwrap();
    assert_eq!(
        call.path,
        "/demo/v1/units/.56101,56102/;matrix=9000;matrix=9032"
    );
    assert_eq!(call.headers["x-period"], "from=2024-01-01,to=2024-12-31");
    assert_eq!(call.headers["x-filter"], r#"{"naceSection":"I"}"#);
}

#[tokio::test]
async fn parameter_defaults_are_documented_not_sent() {
    let (h, client) = serving().await;
    // `page` (default 1) and `pageSize` (default 20) are left to the server.
    client.list_establishments(197532).send().await.unwrap();
    let path = calls(&h, "/establishments").pop().unwrap().path;
    assert_eq!(path, "/employerRegistry/v1/employers/197532/establishments");
    let docs = include_str!("../../clients/employer-registry/src/operations.rs");
    assert!(docs.contains("/// Default (server side): `20`."));
}
