//! Generated clients against the sandbox serving their own contracts: mutual TLS, a token with the
//! annex's scopes, LegalContext checked before sending, problems typed.

use std::path::{Path, PathBuf};

use bcss_e2e::Harness;
use bcss_runtime::{ErrorKind, IssueType, ProblemType};
use bcss_sandbox::{Listener, SandboxConfig};
use bcss_social_status::types::{LegalContext, PersonsQuery};

fn spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

async fn serving(contract: &str, scopes: &[&str]) -> Harness {
    let h = Harness::start_with(SandboxConfig {
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        ..SandboxConfig::default()
    })
    .await;
    h.sandbox
        .serve_contract(&spec(contract))
        .expect("the sample contract is served");
    h
}

const CONSULT: &str = "scope:cbss:api:socialStatus:consult";
const UPDATE: &str = "scope:cbss:api:socialStatus:update";

fn query(ssin: &str, legal_context: &str) -> PersonsQuery {
    serde_json::from_value(serde_json::json!({"ssins": [ssin], "legalContext": legal_context}))
        .unwrap()
}

#[tokio::test]
async fn generated_client_searches_over_mutual_tls_with_the_annex_scopes() {
    let h = serving("socialStatus", &[CONSULT, UPDATE]).await;
    let client = bcss_social_status::Client::new(&h.config()).unwrap();
    let page = client
        .search_persons(&query("85073003328", "FAMILY_ALLOWANCES:ENTITLEMENT"))
        .page_size(20)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        !page.items.is_empty(),
        "the contract's example answer, typed"
    );

    let token = &h.token_requests()[0];
    let scope = token
        .token
        .as_ref()
        .and_then(|t| t.scope.clone())
        .unwrap_or_default();
    assert_eq!(
        scope,
        format!("{CONSULT} {UPDATE}"),
        "the annex's scopes were requested"
    );
    let call = h
        .gateway_requests()
        .into_iter()
        .find(|e| e.path.starts_with("/socialStatus/v1/persons/query"))
        .unwrap();
    assert_eq!(call.listener, Listener::GatewayMtls);
    assert!(call.client_certificate.is_some());
    assert_eq!(call.status, 200);
    assert_eq!(
        call.legal_context.as_deref(),
        Some("FAMILY_ALLOWANCES:ENTITLEMENT")
    );
    assert!(client.health().await.unwrap().status == bcss_runtime::HealthStatus::Up);
}

#[tokio::test]
async fn a_legal_context_outside_the_annex_fails_before_any_request() {
    let h = serving("socialStatus", &[CONSULT, UPDATE]).await;
    let client = bcss_social_status::Client::new(&h.config()).unwrap();
    assert!(
        LegalContext::new("NOT_IN_THE_ANNEX").is_ok(),
        "valid per the contract, refused per the annex"
    );
    let err = client
        .search_persons(&query("85073003328", "NOT_IN_THE_ANNEX"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidRequest(_)), "{err}");
    assert!(
        err.to_string()
            .contains("not authorised by the partner annex"),
        "{err}"
    );
    assert!(
        h.gateway_requests().is_empty(),
        "nothing reached the gateway"
    );
    assert!(
        h.token_requests().is_empty(),
        "not even a token was requested"
    );
}

#[tokio::test]
async fn problems_from_the_served_contract_come_back_typed() {
    let h = serving("socialStatus", &[CONSULT, UPDATE]).await;
    let client = bcss_social_status::Client::new(&h.config()).unwrap();
    // The SSIN type checks the modulo-97 digits when built with `Ssin::new`; decoded from JSON it
    // is taken as given, so the server's check can be seen.
    let err = client
        .search_persons(&query("85073003329", "FAMILY_ALLOWANCES:ENTITLEMENT"))
        .send()
        .await
        .unwrap_err();
    let problem = err.problem().unwrap_or_else(|| panic!("a problem: {err}"));
    assert_eq!(problem.problem_type(), ProblemType::BadRequest);
    assert_eq!(problem.issues[0].issue_type(), IssueType::InvalidStructure);

    // A client whose configuration requests only the consult scope cannot update.
    let mut config = h.config();
    config.token.scopes = vec![CONSULT.into()];
    let consult_only = bcss_social_status::Client::new(&config).unwrap();
    let patch: bcss_social_status::types::ContactPreferencesPatch =
        serde_json::from_value(serde_json::json!({"email": null})).unwrap();
    let reference =
        bcss_social_status::types::SsinReference::new("pZ3mK8sQ1vN0bT7yL2wR4e").unwrap();
    let err = consult_only
        .update_contact_preferences(&reference, &patch)
        .send()
        .await
        .unwrap_err();
    let problem = err.problem().unwrap_or_else(|| panic!("a problem: {err}"));
    assert_eq!(problem.problem_type(), ProblemType::MissingScope);
    assert_eq!(problem.required_scopes, [UPDATE]);
}

#[tokio::test]
async fn employer_registry_client_sends_its_legal_context_in_the_query() {
    let h = serving(
        "employerRegistry",
        &["scope:cbss:api:employerRegistry:consult"],
    )
    .await;
    let client = bcss_employer_registry::Client::new(&h.config()).unwrap();
    let allowed = bcss_employer_registry::Client::LEGAL_CONTEXTS[0];
    let employer = client
        .get_employer(197)
        .legal_context(allowed)
        .send()
        .await
        .unwrap();
    assert_eq!(employer.status(), 200);
    let call = h
        .gateway_requests()
        .into_iter()
        .find(|e| e.path.starts_with("/employerRegistry/v1/employers/197"))
        .unwrap();
    assert!(call.path.contains("legalContext="), "{}", call.path);
    assert_eq!(call.legal_context.as_deref(), Some(allowed));
}

#[tokio::test]
async fn pages_follow_the_next_links_on_the_configured_gateway() {
    use futures_util::StreamExt as _;
    let h = serving(
        "employerRegistry",
        &["scope:cbss:api:employerRegistry:consult"],
    )
    .await;
    let client = bcss_employer_registry::Client::new(&h.config()).unwrap();
    // The served example always has a `next` link, so the stream would not end: take three.
    let pages: Vec<_> = client
        .list_establishments(197532)
        .page_size(2)
        .pages()
        .take(3)
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    for page in &pages {
        assert_eq!(page.as_ref().unwrap().status(), 200);
    }
    let calls: Vec<String> = h
        .gateway_requests()
        .into_iter()
        .filter(|e| e.path.contains("/establishments"))
        .map(|e| e.path)
        .collect();
    assert_eq!(calls.len(), 3);
    assert!(
        calls[0].contains("pageSize=2") && !calls[0].contains("page=2"),
        "{calls:?}"
    );
    assert!(
        calls[1].contains("page=2"),
        "the next link was followed: {calls:?}"
    );
}
