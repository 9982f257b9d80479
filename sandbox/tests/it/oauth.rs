//! The token endpoint and its metadata: every check of domain.md §5.6 items 1-4.

use crate::common::*;
use bcss_sandbox::{AudienceMode, Fault, FaultRule, FaultTarget, Listener};
use jsonwebtoken::Algorithm;
use serde_json::json;

#[tokio::test]
async fn metadata_advertises_private_key_jwt_client_credentials_and_endpoints() {
    let sandbox = start().await;
    let e = sandbox.endpoints().clone();
    let response = http(&sandbox)
        .get(&e.metadata_url)
        .send()
        .await
        .expect("reachable");
    let answer = answer(response).await;
    assert_eq!(answer.status, 200);
    let m = &answer.body;
    assert_eq!(m["issuer"], json!(e.issuer));
    assert_eq!(m["token_endpoint"], json!(e.token_endpoint));
    assert_eq!(
        m["token_endpoint_auth_methods_supported"],
        json!(["private_key_jwt"])
    );
    assert_eq!(
        m["token_endpoint_auth_signing_alg_values_supported"],
        json!(["RS256", "PS256", "ES256"])
    );
    assert_eq!(m["grant_types_supported"], json!(["client_credentials"]));
    assert_eq!(m["scopes_supported"], json!([CONSULT, UPDATE]));
    assert!(e.token_endpoint.starts_with("https://127.0.0.1:"));
    assert!(e.token_endpoint.ends_with("/REST/oauth/v5/token"));
}

#[tokio::test]
async fn valid_assertion_gets_a_bearer_token_with_no_store_and_is_logged_without_secrets() {
    let sandbox = start().await;
    let assertion = assertion(&sandbox, |_| {});
    let answer = token_request(&sandbox, &form(&assertion)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert_eq!(answer.body["token_type"], "Bearer");
    assert_eq!(answer.body["expires_in"], 600);
    assert_eq!(answer.body["scope"], format!("{CONSULT} {UPDATE}"));
    let token = answer.body["access_token"].as_str().expect("token");

    let log = sandbox.log();
    let entry = log.last().expect("logged");
    assert_eq!(entry.listener, Listener::Auth);
    assert_eq!(entry.outcome, "ok");
    let info = entry.token.as_ref().expect("token request info");
    assert_eq!(info.grant_type.as_deref(), Some("client_credentials"));
    assert_eq!(
        info.form_keys,
        ["grant_type", "client_assertion_type", "client_assertion"]
    );
    assert_eq!(
        info.assertion_header.as_ref().expect("header")["alg"],
        "RS256"
    );
    assert_eq!(
        info.assertion_claims.as_ref().expect("claims")["iss"],
        sandbox.endpoints().client_id
    );
    let logged = serde_json::to_string(&log).expect("json");
    let signature = assertion.rsplit('.').next().expect("signature");
    assert!(
        !logged.contains(signature),
        "assertion signature leaked into the log"
    );
    assert!(!logged.contains(token), "access token leaked into the log");
}

#[tokio::test]
async fn ps256_assertion_is_accepted() {
    let sandbox = start().await;
    let signed = sign(
        Algorithm::PS256,
        &sandbox.client().private_key_pem,
        &claims(&sandbox),
    );
    assert_eq!(token_request(&sandbox, &form(&signed)).await.status, 200);
}

#[tokio::test]
async fn http_basic_authentication_is_invalid_client() {
    let sandbox = start().await;
    let response = http(&sandbox)
        .post(&sandbox.endpoints().token_endpoint)
        .basic_auth("client", Some("secret"))
        .form(&form(&assertion(&sandbox, |_| {})))
        .send()
        .await
        .expect("reachable");
    let answer = answer(response).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(
        answer.description().contains("private_key_jwt"),
        "{}",
        answer.description()
    );
    let log = sandbox.log();
    assert_eq!(log[0].headers["authorization"], "Basic [redacted]");
}

#[tokio::test]
async fn client_secret_parameter_is_invalid_client() {
    let sandbox = start().await;
    let mut form = form(&assertion(&sandbox, |_| {}));
    form.push(("client_secret", "s3cret".to_string()));
    let answer = token_request(&sandbox, &form).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("client_secret"));
    assert!(
        !serde_json::to_string(&sandbox.log())
            .expect("json")
            .contains("s3cret")
    );
}

#[tokio::test]
async fn wrong_or_missing_grant_type_is_rejected() {
    let sandbox = start().await;
    let mut wrong = form(&assertion(&sandbox, |_| {}));
    wrong[0].1 = "password".into();
    let answer = token_request(&sandbox, &wrong).await;
    assert_eq!(
        (answer.status, answer.error()),
        (400, "unsupported_grant_type")
    );

    let missing: Vec<_> = form(&assertion(&sandbox, |_| {}))
        .into_iter()
        .skip(1)
        .collect();
    let answer = token_request(&sandbox, &missing).await;
    assert_eq!((answer.status, answer.error()), (400, "invalid_request"));
}

#[tokio::test]
async fn wrong_client_assertion_type_or_missing_assertion_is_invalid_request() {
    let sandbox = start().await;
    let mut wrong = form(&assertion(&sandbox, |_| {}));
    wrong[1].1 = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer".into();
    let answer = token_request(&sandbox, &wrong).await;
    assert_eq!((answer.status, answer.error()), (400, "invalid_request"));
    assert!(answer.description().contains("client_assertion_type"));

    let missing: Vec<_> = form("x").into_iter().take(2).collect();
    let answer = token_request(&sandbox, &missing).await;
    assert_eq!((answer.status, answer.error()), (400, "invalid_request"));
    assert!(answer.description().contains("client_assertion is missing"));
}

#[tokio::test]
async fn json_body_instead_of_form_is_invalid_request() {
    let sandbox = start().await;
    let response = http(&sandbox)
        .post(&sandbox.endpoints().token_endpoint)
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .expect("reachable");
    let answer = answer(response).await;
    assert_eq!((answer.status, answer.error()), (400, "invalid_request"));
    assert!(
        answer
            .description()
            .contains("application/x-www-form-urlencoded")
    );
}

#[tokio::test]
async fn get_on_the_token_endpoint_is_405() {
    let sandbox = start().await;
    let response = http(&sandbox)
        .get(&sandbox.endpoints().token_endpoint)
        .send()
        .await
        .expect("reachable");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn alg_none_and_hs256_are_invalid_client() {
    let sandbox = start().await;
    let none = unsigned(&json!({"alg": "none", "typ": "JWT"}), &claims(&sandbox));
    let answer = token_request(&sandbox, &form(&none)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(
        answer.description().contains("alg none"),
        "{}",
        answer.description()
    );

    let key = jsonwebtoken::EncodingKey::from_secret(b"shared secret").expect("key");
    let hs = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(Algorithm::HS256),
        &claims(&sandbox),
        &key,
    )
    .expect("sign");
    let answer = token_request(&sandbox, &form(&hs)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("HS256"));
}

#[tokio::test]
async fn algorithm_outside_accepted_list_is_invalid_client() {
    let sandbox = start().await;
    sandbox.update_settings(|s| s.accepted_algorithms = vec!["RS256".into()]);
    let signed = sign(
        Algorithm::PS256,
        &sandbox.client().private_key_pem,
        &claims(&sandbox),
    );
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("PS256 is not accepted"));
}

#[tokio::test]
async fn unknown_iss_is_invalid_client_unknown_client() {
    let sandbox = start().await;
    let signed = assertion(&sandbox, |c| {
        c["iss"] = json!("someone:else");
        c["sub"] = json!("someone:else");
    });
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("unknown client"));
}

#[tokio::test]
async fn sub_different_from_iss_is_invalid_client() {
    let sandbox = start().await;
    let signed = assertion(&sandbox, |c| c["sub"] = json!("other"));
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("sub"));
}

#[tokio::test]
async fn assertion_signed_with_another_key_does_not_verify() {
    let sandbox = start().await;
    let stranger = sandbox.mint_client("stranger");
    let signed = sign(
        Algorithm::RS256,
        &stranger.private_key_pem,
        &claims(&sandbox),
    );
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    let expected = format!(
        "signature does not verify with the certificate registered for {}",
        sandbox.endpoints().client_id
    );
    assert!(
        answer.description().contains(&expected),
        "{}",
        answer.description()
    );
}

#[tokio::test]
async fn a_client_registered_at_run_time_gets_its_own_scopes() {
    let sandbox = start().await;
    let partner = sandbox.mint_client("partner:two");
    let answer = token_for(&sandbox, "partner:two", &partner).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["scope"], CONSULT);
}

#[tokio::test]
async fn wrong_aud_is_invalid_client_naming_what_was_expected() {
    let sandbox = start().await;
    let signed = assertion(&sandbox, |c| {
        c["aud"] = json!("https://services.socialsecurity.be/REST/oauth/v5/token")
    });
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("aud mismatch"));
    assert!(answer.description().contains("services.socialsecurity.be"));
    assert!(
        answer
            .description()
            .contains(&sandbox.endpoints().token_endpoint)
    );
}

#[tokio::test]
async fn audience_modes_accept_only_their_audience() {
    let sandbox = start().await;
    let issuer = sandbox.endpoints().issuer.clone();
    let endpoint = sandbox.endpoints().token_endpoint.clone();
    let status_for = |aud: &str| {
        let signed = assertion(&sandbox, |c| c["aud"] = json!([aud]));
        let sandbox = &sandbox;
        async move { token_request(sandbox, &form(&signed)).await.status }
    };
    assert_eq!(
        status_for(&issuer).await,
        200,
        "either mode accepts the issuer"
    );
    assert_eq!(
        status_for(&endpoint).await,
        200,
        "either mode accepts the endpoint"
    );

    sandbox.update_settings(|s| s.audience = AudienceMode::TokenEndpoint);
    assert_eq!(status_for(&issuer).await, 401);
    assert_eq!(status_for(&endpoint).await, 200);

    sandbox.update_settings(|s| s.audience = AudienceMode::Issuer);
    assert_eq!(status_for(&issuer).await, 200);
    assert_eq!(status_for(&endpoint).await, 401);
}

#[tokio::test]
async fn expired_assertion_is_invalid_client() {
    let sandbox = start().await;
    let signed = assertion(&sandbox, |c| {
        c["iat"] = json!(now() - 400);
        c["exp"] = json!(now() - 100);
    });
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("expired"));
}

#[tokio::test]
async fn missing_exp_is_invalid_client() {
    let sandbox = start().await;
    let signed = assertion(&sandbox, |c| {
        c.as_object_mut().expect("object").remove("exp");
    });
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("no exp"));
}

#[tokio::test]
async fn assertion_lifetime_over_the_cap_is_invalid_client() {
    let sandbox = start().await;
    let signed = assertion(&sandbox, |c| c["exp"] = json!(now() + 601));
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(
        answer
            .description()
            .contains("exceeds the maximum of 600 s"),
        "{}",
        answer.description()
    );
}

#[tokio::test]
async fn iat_beyond_the_leeway_in_the_future_is_invalid_client() {
    let sandbox = start().await;
    let signed = assertion(&sandbox, |c| {
        c["iat"] = json!(now() + 120);
        c["exp"] = json!(now() + 300);
    });
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("in the future"));
}

#[tokio::test]
async fn nbf_in_the_future_is_invalid_client() {
    let sandbox = start().await;
    let signed = assertion(&sandbox, |c| c["nbf"] = json!(now() + 200));
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("nbf"));
}

#[tokio::test]
async fn a_sandbox_clock_ahead_of_the_client_makes_a_short_assertion_expire() {
    let sandbox = start().await;
    sandbox.update_settings(|s| s.clock_offset_secs = 1000);
    let answer = token_request(&sandbox, &form(&assertion(&sandbox, |_| {}))).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("check the client clock"));
}

#[tokio::test]
async fn replayed_jti_is_invalid_client() {
    let sandbox = start().await;
    let signed = assertion(&sandbox, |_| {});
    assert_eq!(token_request(&sandbox, &form(&signed)).await.status, 200);
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(answer.description().contains("jti already used"));

    let missing = assertion(&sandbox, |c| {
        c.as_object_mut().expect("object").remove("jti");
    });
    let answer = token_request(&sandbox, &form(&missing)).await;
    assert!(answer.description().contains("no jti"));
}

#[tokio::test]
async fn requested_scopes_must_be_granted_and_narrow_the_token() {
    let sandbox = start().await;
    let mut request = form(&assertion(&sandbox, |_| {}));
    request.push(("scope", format!("{CONSULT} scope:cbss:api:other:consult")));
    let answer = token_request(&sandbox, &request).await;
    assert_eq!((answer.status, answer.error()), (400, "invalid_scope"));
    assert!(
        answer
            .description()
            .contains("scope:cbss:api:other:consult")
    );

    let mut request = form(&assertion(&sandbox, |_| {}));
    request.push(("scope", CONSULT.to_string()));
    let answer = token_request(&sandbox, &request).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["scope"], CONSULT);
}

#[tokio::test]
async fn token_endpoint_fault_down_applies_once_then_the_endpoint_recovers() {
    let sandbox = start().await;
    sandbox.push_fault(FaultRule::once(FaultTarget::TokenEndpoint, Fault::Down));
    let answer = token_request(&sandbox, &form(&assertion(&sandbox, |_| {}))).await;
    assert_eq!(
        (answer.status, answer.error()),
        (503, "temporarily_unavailable")
    );
    assert_eq!(sandbox.log()[0].outcome, "fault:down");
    assert_eq!(
        token_request(&sandbox, &form(&assertion(&sandbox, |_| {})))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn es256_assertion_verifies_against_a_registered_ec_certificate() {
    let sandbox = start().await;
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("EC key");
    let cert = rcgen::CertificateParams::new(vec!["ec-client".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    sandbox.register_client("ec:client", &cert.pem(), &[CONSULT]);
    let claims = claims_as(&sandbox, "ec:client");
    let signing_key = jsonwebtoken::EncodingKey::from_ec_der(&key.serialize_der());
    let signed = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(Algorithm::ES256),
        &claims,
        &signing_key,
    )
    .expect("sign");
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    // RS256 claimed against an EC certificate cannot verify.
    let rsa = sign(Algorithm::RS256, &sandbox.client().private_key_pem, &claims);
    let answer = token_request(&sandbox, &form(&rsa)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
}

#[tokio::test]
async fn an_assertion_without_iat_or_expiring_before_its_iat_is_invalid_client() {
    let sandbox = start().await;
    type Edit = fn(&mut serde_json::Value);
    let cases: [(Edit, &str); 3] = [
        (
            |c| {
                c.as_object_mut().expect("object").remove("iat");
            },
            "the assertion has no iat claim",
        ),
        (
            |c| {
                c["iat"] = json!(now() + 30);
                c["exp"] = json!(now() + 10);
            },
            "is not after iat",
        ),
        (
            |c| c["iat"] = json!("yesterday"),
            "claim iat must be a NumericDate",
        ),
    ];
    for (edit, reason) in cases {
        let answer = token_request(&sandbox, &form(&assertion(&sandbox, edit))).await;
        assert_invalid_client_saying(&answer, &[reason]);
    }
}

/// A 401 `invalid_client` whose description contains every one of `parts`.
fn assert_invalid_client_saying(answer: &Answer, parts: &[&str]) {
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    let description = answer.description();
    for part in parts {
        assert!(description.contains(part), "{part:?} not in {description}");
    }
}

/// Claims of a valid assertion by `client_id` (iss = sub).
fn claims_as(sandbox: &bcss_sandbox::Sandbox, client_id: &str) -> serde_json::Value {
    let mut claims = claims(sandbox);
    claims["iss"] = json!(client_id);
    claims["sub"] = json!(client_id);
    claims
}

/// Registers `client_id` with `credentials` and asks for a token with an assertion it signs.
async fn token_for(
    sandbox: &bcss_sandbox::Sandbox,
    client_id: &str,
    credentials: &bcss_sandbox::ClientCredentials,
) -> Answer {
    sandbox.register_client(client_id, &credentials.certificate_pem, &[CONSULT]);
    let claims = claims_as(sandbox, client_id);
    let signed = sign(Algorithm::RS256, &credentials.private_key_pem, &claims);
    token_request(sandbox, &form(&signed)).await
}

#[tokio::test]
async fn an_assertion_whose_registered_certificate_expired_is_refused_with_its_validity() {
    let sandbox = start().await;
    let expired = sandbox.mint_expired_client("expired:client");
    let answer = token_for(&sandbox, "expired:client", &expired).await;
    assert_invalid_client_saying(
        &answer,
        &[
            "the certificate registered for expired:client has expired",
            "notBefore Wed, 01 Jan 2020 00:00:00 GMT (1577836800)",
            "notAfter Fri, 01 Jan 2021 00:00:00 GMT (1609459200)",
            "server time ",
            "register a renewed certificate",
        ],
    );
}

#[tokio::test]
async fn an_assertion_whose_registered_certificate_is_not_valid_yet_is_refused_with_its_validity() {
    let sandbox = start().await;
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("EC key");
    let mut params =
        rcgen::CertificateParams::new(vec!["future-client".to_string()]).expect("params");
    params.not_before = rcgen::date_time_ymd(2999, 1, 1);
    params.not_after = rcgen::date_time_ymd(3000, 1, 1);
    let cert = params.self_signed(&key).expect("cert");
    sandbox.register_client("future:client", &cert.pem(), &[CONSULT]);
    let claims = claims_as(&sandbox, "future:client");
    let signed = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(Algorithm::ES256),
        &claims,
        &jsonwebtoken::EncodingKey::from_ec_der(&key.serialize_der()),
    )
    .expect("sign");
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_invalid_client_saying(
        &answer,
        &[
            "the certificate registered for future:client is not valid yet",
            "notBefore Tue, 01 Jan 2999 00:00:00 GMT",
            "notAfter Wed, 01 Jan 3000 00:00:00 GMT",
            "server time ",
        ],
    );
}

#[tokio::test]
async fn certificate_validity_is_judged_on_the_sandbox_clock() {
    let sandbox = start().await;
    // The minted client certificate starts a day back and lasts a year: a sandbox clock two
    // days behind sees it not valid yet, one 400 days ahead sees it expired.
    for (offset, refusal) in [
        (-2 * 86_400, "is not valid yet"),
        (400 * 86_400, "has expired"),
    ] {
        sandbox.set_clock_offset_secs(offset).expect("in range");
        let signed = assertion(&sandbox, |c| {
            c["iat"] = json!(now() + offset);
            c["exp"] = json!(now() + offset + 300);
        });
        let answer = token_request(&sandbox, &form(&signed)).await;
        assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
        assert!(
            answer.description().contains(refusal),
            "{}",
            answer.description()
        );
    }
    // A day behind (a wrong time zone) still accepts it.
    sandbox.set_clock_offset_secs(-14 * 3600).expect("in range");
    let signed = assertion(&sandbox, |c| {
        c["iat"] = json!(now() - 14 * 3600);
        c["exp"] = json!(now() - 14 * 3600 + 300);
    });
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn an_unreadable_registered_certificate_is_invalid_client_not_a_panic() {
    let sandbox = start().await;
    let garbage =
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
    sandbox.register_client("garbage:client", garbage, &[CONSULT]);
    let claims = claims_as(&sandbox, "garbage:client");
    let signed = sign(Algorithm::RS256, &sandbox.client().private_key_pem, &claims);
    let answer = token_request(&sandbox, &form(&signed)).await;
    assert_eq!((answer.status, answer.error()), (401, "invalid_client"));
    assert!(
        answer
            .description()
            .contains("the certificate registered for garbage:client cannot be read"),
        "{}",
        answer.description()
    );
}
