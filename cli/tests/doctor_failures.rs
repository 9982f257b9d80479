//! `bcss doctor` against a real sandbox: each broken set-up fails at the step the onboarding
//! document would put it, with the matching remedy.

mod common;

use bcss_cli::doctor::report::{StepId, Verdict};
use bcss_sandbox::HealthStatus;
use common::{Fixture, assert_fails_at, check, remedies, step};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_gateway_port_fails_the_network_step_and_points_to_the_flux_form() {
    let f = Fixture::start().await;
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let text = f.toml().replace(
        &f.sandbox.endpoints().gateway_mtls_url,
        &format!("https://{closed}"),
    );
    let report = f
        .doctor(&f.options(f.write_config("closed.toml", &text)))
        .await;
    assert_fails_at(&report, StepId::Network);
    let tcp = check(&report, StepId::Network, "gateway TCP connect");
    assert_eq!(tcp.kind.as_deref(), Some("connection_refused"));
    assert!(remedies(&report, StepId::Network).contains("bcss flux-form"));
    assert_eq!(
        step(&report, StepId::Infrastructure).skipped_because,
        Some(StepId::Network)
    );
    assert_eq!(step(&report, StepId::Certificates).verdict, Verdict::Pass);
    assert_eq!(
        step(&report, StepId::AccessManagement).verdict,
        Verdict::Skipped
    );
    assert_eq!(
        step(&report, StepId::ServiceAccess).skipped_because,
        Some(StepId::Network)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_certificate_from_an_unknown_ca_fails_the_infrastructure_step() {
    let f = Fixture::start().await;
    // Trust something else than the sandbox CA: its server certificate no longer chains.
    let other = f.sandbox.mint_foreign_client("some other CA");
    std::fs::write(f.path("other-ca.pem"), &other.certificate_pem).unwrap();
    let text = f
        .toml()
        .replace("extra_ca = [\"ca.pem\"]", "extra_ca = [\"other-ca.pem\"]");
    let report = f
        .doctor(&f.options(f.write_config("other-ca.toml", &text)))
        .await;
    assert_fails_at(&report, StepId::Infrastructure);
    let server = check(&report, StepId::Infrastructure, "server certificate");
    assert_eq!(server.kind.as_deref(), Some("server_certificate_untrusted"));
    assert!(remedies(&report, StepId::Infrastructure).contains("extra_ca"));
    assert_eq!(step(&report, StepId::Network).verdict, Verdict::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_the_gateway_does_not_accept_fails_mutual_tls() {
    let f = Fixture::start().await;
    f.write_identity("foreign", &f.sandbox.mint_foreign_client("foreign partner"));
    let report = f
        .doctor(&f.options(f.config_with_identity("foreign", "foreign")))
        .await;
    assert_fails_at(&report, StepId::Infrastructure);
    let mtls = check(&report, StepId::Infrastructure, "mutual TLS");
    assert_eq!(mtls.kind.as_deref(), Some("client_certificate_rejected"));
    let remedy = remedies(&report, StepId::Infrastructure);
    assert!(remedy.contains("unknown CA"), "{remedy}");
    assert!(remedy.contains("publicly trusted CA"), "{remedy}");
    // Locally the certificate is fine: the gateway, not the file, is the problem.
    assert_eq!(step(&report, StepId::Certificates).verdict, Verdict::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_certificate_fails_the_certificates_step_not_tls() {
    let f = Fixture::start().await;
    f.write_identity("expired", &f.sandbox.mint_expired_client("expired partner"));
    let report = f
        .doctor(&f.options(f.config_with_identity("expired", "expired")))
        .await;
    assert_fails_at(&report, StepId::Certificates);
    assert!(
        check(&report, StepId::Certificates, "valid now")
            .observed
            .contains("expired on 2021-01-01")
    );
    assert!(remedies(&report, StepId::Certificates).contains("renew"));
    // Mutual TLS was not tried with a certificate known to be expired.
    assert_eq!(step(&report, StepId::Infrastructure).verdict, Verdict::Warn);
    assert_eq!(
        step(&report, StepId::AccessManagement).skipped_because,
        Some(StepId::Certificates)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_does_not_match_the_certificate_fails_the_certificates_step() {
    let f = Fixture::start().await;
    f.write_identity("other", &f.sandbox.mint_client("another partner"));
    let report = f
        .doctor(&f.options(f.config_with_identity("client", "other")))
        .await;
    assert_fails_at(&report, StepId::Certificates);
    let matches = check(&report, StepId::Certificates, "key matches certificate");
    assert_eq!(matches.verdict, Verdict::Fail);
    assert!(
        remedies(&report, StepId::Certificates)
            .contains("generated together with this certificate")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_client_id_fails_access_management_with_invalid_client() {
    let f = Fixture::start().await;
    let text = f.toml().replace(
        &format!("test = \"{}\"", f.sandbox.endpoints().client_id),
        "test = \"partner:unknown:client:confidential\"",
    );
    let report = f
        .doctor(&f.options(f.write_config("unknown-id.toml", &text)))
        .await;
    assert_fails_at(&report, StepId::AccessManagement);
    assert_eq!(
        check(&report, StepId::AccessManagement, "token")
            .kind
            .as_deref(),
        Some("invalid_client")
    );
    let remedy = remedies(&report, StepId::AccessManagement);
    assert!(
        remedy.contains("partner:unknown:client:confidential"),
        "{remedy}"
    );
    assert!(remedy.contains("registered"), "{remedy}");
    assert_eq!(
        step(&report, StepId::ServiceAccess).skipped_because,
        Some(StepId::AccessManagement)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_annex_scope_that_is_not_granted_fails_access_management() {
    let f = Fixture::start().await;
    let annex = f.path("annex.yaml");
    std::fs::write(
        &annex,
        "legalContext: demo\nscopes:\n  - scope:cbss:api:demo:consult\n  - scope:cbss:api:other:consult\n",
    )
    .unwrap();
    let mut options = f.options(f.config());
    options.annex = Some(annex);
    let report = f.doctor(&options).await;
    assert_fails_at(&report, StepId::AccessManagement);
    let scopes = check(&report, StepId::AccessManagement, "annex scopes");
    assert_eq!(scopes.kind.as_deref(), Some("missing_scope"));
    assert!(scopes.observed.contains("scope:cbss:api:other:consult"));
    assert!(
        !scopes.observed.contains("demo:consult"),
        "{}",
        scopes.observed
    );
    assert!(
        remedies(&report, StepId::AccessManagement).contains("grant scope:cbss:api:other:consult")
    );

    // The same annex without the foreign scope passes.
    std::fs::write(f.path("ok.yaml"), "scopes: [scope:cbss:api:demo:consult]\n").unwrap();
    options.annex = Some(f.path("ok.yaml"));
    let report = f.doctor(&options).await;
    assert_eq!(
        step(&report, StepId::AccessManagement).verdict,
        Verdict::Pass,
        "{}",
        report.to_text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requested_scope_that_is_not_granted_fails_with_invalid_scope() {
    let f = Fixture::start().await;
    let mut options = f.options(f.config());
    options.scopes = vec!["scope:cbss:api:other:consult".into()];
    let report = f.doctor(&options).await;
    assert_fails_at(&report, StepId::AccessManagement);
    assert_eq!(
        check(&report, StepId::AccessManagement, "token")
            .kind
            .as_deref(),
        Some("invalid_scope")
    );
    assert!(remedies(&report, StepId::AccessManagement).contains("scope:cbss:api:other:consult"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_that_reports_down_fails_service_access() {
    let f = Fixture::start().await;
    f.sandbox.set_health("demo", HealthStatus::Down);
    let mut options = f.options(f.config());
    options.api = Some("demo/v1".into());
    let report = f.doctor(&options).await;
    assert_fails_at(&report, StepId::ServiceAccess);
    let health = check(&report, StepId::ServiceAccess, "health");
    assert!(
        health.observed.contains("HTTP 503 DOWN"),
        "{}",
        health.observed
    );
    assert!(remedies(&report, StepId::ServiceAccess).contains("nothing to fix on your side"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extranet_host_that_does_not_resolve_explains_the_ways_to_reach_the_extranet() {
    let f = Fixture::start().await;
    let port = f
        .sandbox
        .endpoints()
        .gateway_mtls_url
        .rsplit(':')
        .next()
        .unwrap()
        .to_owned();
    let text = f.toml().replace(
        &f.sandbox.endpoints().gateway_mtls_url,
        &format!("https://b2b-test.bcss-doctor.invalid:{port}"),
    );
    let mut options = f.options(f.write_config("unresolvable.toml", &text));
    options.timeout = std::time::Duration::from_secs(3);
    let report = f.doctor(&options).await;
    assert_fails_at(&report, StepId::Network);
    assert_eq!(
        check(&report, StepId::Network, "gateway DNS")
            .kind
            .as_deref(),
        Some("dns")
    );
    let remedy = remedies(&report, StepId::Network);
    for way in [
        "leased line",
        "secondary network",
        "IPsec",
        "internet channel",
    ] {
        assert!(remedy.contains(way), "`{way}` missing: {remedy}");
    }
}
