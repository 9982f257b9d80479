//! Connection failures are classified so that a partner knows which step to fix.

use bcss_e2e::{Harness, set_identity};
use bcss_runtime::{Channel, Environment, TransportErrorKind};

#[tokio::test]
async fn no_client_certificate_is_reported_as_a_missing_client_certificate() {
    let h = Harness::start().await;
    let client = h.client_with(|c| c.tls.mtls_gateway = Some(false)).unwrap();
    let err = client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap_err();
    let t = err
        .transport()
        .unwrap_or_else(|| panic!("transport error expected: {err}"));
    assert_eq!(
        t.kind,
        TransportErrorKind::ClientCertificateRequired,
        "{err}"
    );
    assert!(t.hint.contains("client certificate"), "{}", t.hint);
    // The token step itself succeeded: the failure is the gateway's mutual TLS.
    assert_eq!(h.token_requests().len(), 1);
}

#[tokio::test]
async fn no_client_certificate_under_tls12_names_the_alert() {
    let h = Harness::start().await;
    let client = h
        .client_with(|c| {
            c.tls.mtls_gateway = Some(false);
            c.tls.max_tls12 = true;
        })
        .unwrap();
    let err = client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap_err();
    let t = err.transport().unwrap();
    assert_eq!(
        t.kind,
        TransportErrorKind::ClientCertificateRequired,
        "{err}"
    );
}

#[tokio::test]
async fn client_certificate_from_an_unknown_ca_is_rejected_at_the_handshake() {
    let h = Harness::start().await;
    let rogue = h.sandbox.mint_foreign_client("rogue:client");
    // Registered for OAuth, so the token step passes and only mutual TLS fails.
    let client_id = h.sandbox.endpoints().client_id.clone();
    h.sandbox.register_client(
        &client_id,
        &rogue.certificate_pem,
        &["scope:cbss:api:demo:consult"],
    );
    let source = h.identity_files("rogue", &rogue);
    let client = h.client_with(|c| set_identity(c, source)).unwrap();
    let err = client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap_err();
    let t = err
        .transport()
        .unwrap_or_else(|| panic!("transport error expected: {err}"));
    assert_eq!(
        t.kind,
        TransportErrorKind::ClientCertificateRejected,
        "{err}"
    );
    assert!(t.hint.contains("registered with BCSS"), "{}", t.hint);
}

#[tokio::test]
async fn untrusted_server_certificate_is_reported_with_what_to_trust() {
    let h = Harness::start().await;
    let client = h
        .client_with(|c| {
            c.tls.extra_ca.clear();
            c.tls.system_roots = true;
        })
        .unwrap();
    let err = client.tokens().unwrap().token().await.unwrap_err();
    let bcss_runtime::TokenError::Transport(t) = &err else {
        panic!("{err}")
    };
    assert_eq!(
        t.kind,
        TransportErrorKind::ServerCertificateUntrusted,
        "{err}"
    );
    assert!(t.hint.contains("extra_ca"));
}

#[tokio::test]
async fn closed_port_is_connection_refused_with_the_firewall_hint() {
    let h = Harness::start().await;
    let client = h.client_with_closed_gateway();
    let err = client
        .get("/demo/v1/persons/00000000097")
        .retry(bcss_runtime::RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    let t = err.transport().unwrap();
    assert_eq!(t.kind, TransportErrorKind::ConnectionRefused, "{err}");
    assert!(t.hint.contains("flux"), "{}", t.hint);
}

#[tokio::test]
async fn unresolvable_host_is_a_dns_error_that_explains_the_extranet() {
    let h = Harness::start().await;
    let client = h
        .client_with(|c| {
            let o = c
                .endpoints
                .entry((Environment::Test, Channel::Extranet))
                .or_default();
            o.gateway = Some("https://b2b-test.invalid:4543".parse().unwrap());
        })
        .unwrap();
    let err = client
        .get("/demo/v1/persons/00000000097")
        .retry(bcss_runtime::RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    let t = err.transport().unwrap();
    assert_eq!(t.kind, TransportErrorKind::Dns, "{err}");
    assert!(t.hint.contains("Extranet"));
}
