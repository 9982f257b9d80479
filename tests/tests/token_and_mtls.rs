//! A token obtained with a signed JWT, then a call over mutual TLS — the whole path, for real.

use bcss_e2e::{Harness, set_identity};
use bcss_runtime::config::{Audience, KeyIdHeader};
use bcss_runtime::identity::SigningAlgorithm;
use bcss_runtime::{Channel, Environment};
use bcss_sandbox::{AudienceMode, Listener};
use serde_json::Value;

#[tokio::test]
async fn token_then_call_over_mutual_tls() {
    let h = Harness::start().await;
    let client = h.client();
    let person: Value = client
        .get("/demo/v1/persons/00000000097")
        .send_json()
        .await
        .unwrap();
    assert_eq!(person["ssin"], "00000000097");

    let tokens = h.token_requests();
    assert_eq!(tokens.len(), 1);
    let info = tokens[0].token.clone().unwrap();
    assert_eq!(tokens[0].outcome, "ok");
    let header = info.assertion_header.unwrap();
    assert_eq!(
        (header["alg"].as_str(), header["typ"].as_str()),
        (Some("RS256"), Some("JWT"))
    );
    assert!(header.get("x5t#S256").is_none() && header.get("kid").is_none());
    let claims = info.assertion_claims.unwrap();
    let client_id = &h.sandbox.endpoints().client_id;
    assert_eq!(claims["iss"], *client_id);
    assert_eq!(claims["sub"], *client_id);
    assert_eq!(claims["aud"], h.sandbox.endpoints().token_endpoint.as_str());
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        300
    );
    assert!(uuid::Uuid::parse_str(claims["jti"].as_str().unwrap()).is_ok());
    assert_eq!(
        info.form_keys,
        ["grant_type", "client_assertion_type", "client_assertion"]
    );

    let calls = h.gateway_requests();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].listener, Listener::GatewayMtls);
    let presented = calls[0].client_certificate.as_deref().unwrap_or_default();
    assert!(
        presented.contains("CN="),
        "the gateway saw our certificate: {presented:?}"
    );
    assert_eq!(calls[0].headers["authorization"], "Bearer [redacted]");
}

#[tokio::test]
async fn legacy_pkcs12_identity_gets_a_token_and_passes_mutual_tls() {
    let h = Harness::start().await;
    let p12 = h.pkcs12_identity();
    let client = h.client_with(|c| set_identity(c, p12)).unwrap();
    let health = client.health("demo/v1").await.unwrap();
    assert_eq!(health.status, bcss_runtime::HealthStatus::Up);
    assert_eq!(h.token_requests()[0].outcome, "ok");
    assert!(h.gateway_requests()[0].client_certificate.is_some());
}

#[tokio::test]
async fn internet_channel_uses_server_tls_only() {
    let h = Harness::start().await;
    let client = h.client_with(|c| c.channel = Channel::Internet).unwrap();
    client
        .get("/demo/v1/persons/00000000196")
        .send()
        .await
        .unwrap();
    let call = &h.gateway_requests()[0];
    assert_eq!(call.listener, Listener::GatewayTls);
    assert_eq!(call.client_certificate, None);
}

#[tokio::test]
async fn issuer_audience_is_accepted_by_a_server_that_wants_only_the_issuer() {
    let h = Harness::start().await;
    h.sandbox
        .update_settings(|s| s.audience = AudienceMode::Issuer);
    let client = h.client().clone();
    let err = client.tokens().unwrap().token().await.unwrap_err();
    assert_eq!(err.oauth_code().map(|c| c.as_str()), Some("invalid_client"));

    let client = h
        .client_with(|c| c.token.audience = Audience::Issuer)
        .unwrap();
    client.tokens().unwrap().token().await.unwrap();
    let claims = h
        .token_requests()
        .last()
        .unwrap()
        .token
        .clone()
        .unwrap()
        .assertion_claims
        .unwrap();
    assert_eq!(claims["aud"], h.sandbox.endpoints().issuer.as_str());
}

#[tokio::test]
async fn discovery_finds_the_token_endpoint_from_rfc8414_metadata() {
    let h = Harness::start().await;
    let client = h
        .client_with(|c| {
            c.token.discovery = true;
            // A wrong static token endpoint: only discovery can find the right one.
            let o = c
                .endpoints
                .entry((Environment::Test, Channel::Extranet))
                .or_default();
            o.token_endpoint = Some("https://127.0.0.1:9/nowhere".parse().unwrap());
        })
        .unwrap();
    client.tokens().unwrap().token().await.unwrap();
    let meta = h
        .sandbox
        .log()
        .into_iter()
        .filter(|e| e.path.contains("/.well-known/oauth-authorization-server"))
        .count();
    assert_eq!(meta, 1);
}

#[tokio::test]
async fn ps256_and_es256_assertions_with_key_id_headers_are_accepted() {
    let h = Harness::start().await;
    // PS256 with the registered RSA client and an x5t#S256 header.
    let client = h
        .client_with(|c| {
            c.token.algorithm = SigningAlgorithm::PS256;
            c.token.key_id = KeyIdHeader::X5tS256;
        })
        .unwrap();
    client.tokens().unwrap().token().await.unwrap();
    let header = h.token_requests()[0]
        .token
        .clone()
        .unwrap()
        .assertion_header
        .unwrap();
    assert_eq!(header["alg"], "PS256");
    assert!(header["x5t#S256"].as_str().is_some_and(|t| t.len() == 43));

    // ES256 with an EC certificate registered for another client-id (internet: no mTLS needed).
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/tests/fixtures");
    let ec_pem = std::fs::read_to_string(fixtures.join("ec.pem")).unwrap();
    h.sandbox.register_client(
        "ec:client:confidential",
        &ec_pem,
        &["scope:cbss:api:demo:consult"],
    );
    let client = h
        .client_with(|c| {
            c.channel = Channel::Internet;
            c.client_ids
                .insert(Environment::Test, "ec:client:confidential".into());
            bcss_e2e::set_identity(
                c,
                bcss_runtime::config::IdentitySource::PemFiles {
                    certificate: fixtures.join("ec.pem"),
                    key: fixtures.join("ec-sec1.key"),
                },
            );
            c.token.algorithm = SigningAlgorithm::ES256;
            c.token.key_id = KeyIdHeader::Kid;
        })
        .unwrap();
    let token = client.tokens().unwrap().token().await.unwrap();
    assert_eq!(token.scopes(), ["scope:cbss:api:demo:consult"]);
    let header = h
        .token_requests()
        .last()
        .unwrap()
        .token
        .clone()
        .unwrap()
        .assertion_header
        .unwrap();
    assert_eq!(header["alg"], "ES256");
    assert!(header["kid"].is_string());
}

#[tokio::test]
async fn the_token_endpoint_gets_the_client_certificate_only_when_configured() {
    let h = Harness::start().await;
    h.client().tokens().unwrap().token().await.unwrap();
    let with = h.client_with(|c| c.tls.mtls_token_endpoint = true).unwrap();
    with.tokens().unwrap().token().await.unwrap();
    let presented: Vec<bool> = h
        .token_requests()
        .iter()
        .map(|e| e.client_certificate.is_some())
        .collect();
    assert_eq!(presented, [false, true]);
}
