//! The token endpoint's refusals become typed errors with a hint that says what to check.

use bcss_e2e::{Harness, set_identity};
use bcss_runtime::config::Audience;
use bcss_runtime::token::OAuthErrorCode;
use bcss_runtime::{Environment, ErrorKind, TokenError};
use bcss_sandbox::{Fault, FaultRule, FaultTarget};

fn oauth(err: &TokenError) -> (&OAuthErrorCode, &str, Option<&str>) {
    match err {
        TokenError::OAuth {
            code,
            hint,
            description,
            ..
        } => (code, hint.as_str(), description.as_deref()),
        other => panic!("OAuth refusal expected, got: {other}"),
    }
}

#[tokio::test]
async fn wrong_key_for_the_registered_certificate_is_invalid_client_with_its_hint() {
    let h = Harness::start().await;
    // Signed by the sandbox CA (so mutual TLS would pass) but not the registered certificate.
    let other = h.sandbox.mint_client("other:key");
    let source = h.identity_files("other", &other);
    let client = h.client_with(|c| set_identity(c, source)).unwrap();
    let err = client.tokens().unwrap().token().await.unwrap_err();
    let (code, hint, description) = oauth(&err);
    assert_eq!(*code, OAuthErrorCode::InvalidClient);
    let client_id = &h.sandbox.endpoints().client_id;
    assert!(hint.contains(client_id.as_str()), "{hint}");
    assert!(
        hint.contains("certificate registered for the test environment"),
        "{hint}"
    );
    let sent = format!("audience (sent: {})", h.sandbox.endpoints().token_endpoint);
    assert!(hint.contains(&sent), "{hint}");
    assert!(
        description.unwrap_or_default().contains("signature"),
        "{err}"
    );
}

#[tokio::test]
async fn wrong_audience_is_invalid_client_naming_the_audience_sent() {
    let h = Harness::start().await;
    let client = h
        .client_with(|c| {
            c.token.audience = Audience::Literal("https://oauth-v5.socialsecurity.be".into())
        })
        .unwrap();
    let err = client.tokens().unwrap().token().await.unwrap_err();
    let (code, hint, description) = oauth(&err);
    assert_eq!(*code, OAuthErrorCode::InvalidClient);
    assert!(
        hint.contains("audience (sent: https://oauth-v5.socialsecurity.be)"),
        "{hint}"
    );
    assert!(description.unwrap_or_default().contains("aud"), "{err}");
}

#[tokio::test]
async fn unknown_client_id_is_invalid_client() {
    let h = Harness::start().await;
    let client = h
        .client_with(|c| {
            c.client_ids
                .insert(Environment::Test, "nobody:client:confidential".into());
        })
        .unwrap();
    let err = client.tokens().unwrap().token().await.unwrap_err();
    let (code, hint, _) = oauth(&err);
    assert_eq!(*code, OAuthErrorCode::InvalidClient);
    assert!(hint.contains("nobody:client:confidential"));
}

#[tokio::test]
async fn scope_not_granted_is_invalid_scope_naming_the_scopes() {
    let h = Harness::start().await;
    let client = h
        .client_with(|c| c.token.scopes = vec!["scope:cbss:api:other:consult".into()])
        .unwrap();
    let err = client.tokens().unwrap().token().await.unwrap_err();
    let (code, hint, _) = oauth(&err);
    assert_eq!(*code, OAuthErrorCode::InvalidScope);
    assert!(hint.contains("scope:cbss:api:other:consult"), "{hint}");
    // Through an API call the same refusal is a token error, not a transport or problem error.
    let err = client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Token(_)), "{err}");
}

#[tokio::test]
async fn expired_certificate_is_refused_before_any_request() {
    let h = Harness::start().await;
    let expired = h.sandbox.mint_expired_client("expired:client");
    let source = h.identity_files("expired", &expired);
    let err = h.client_with(|c| set_identity(c, source)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Identity(_)), "{err}");
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(h.token_requests().is_empty());
}

#[tokio::test]
async fn a_failed_token_request_reaches_every_waiter_is_not_cached_and_is_retried_next_call() {
    let h = Harness::start().await;
    h.sandbox
        .push_fault(FaultRule::always(FaultTarget::TokenEndpoint, Fault::Down));
    let client = h.client();
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get("/demo/v1/persons/00000000097").send().await })
    });
    for call in futures_util::future::join_all(calls).await {
        let err = call.unwrap().unwrap_err();
        let token = err
            .token()
            .unwrap_or_else(|| panic!("token error expected: {err}"));
        assert_eq!(
            token.oauth_code(),
            Some(&OAuthErrorCode::TemporarilyUnavailable),
            "{err}"
        );
    }
    assert_eq!(
        h.token_requests().len(),
        1,
        "one request for twenty waiters"
    );
    h.sandbox.clear_faults();
    client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap();
    assert_eq!(h.token_requests().len(), 2, "the failure was not cached");
}
