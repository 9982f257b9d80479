use std::path::Path;
use std::time::Duration;

use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml(text, Path::new("/etc/bcss"), "bcss.toml")
}

const FULL: &str = r#"
environment = "acpt"
channel = "internet"
accept_language = "nl-BE, fr-BE;q=0.9"

[client_id]
test = "partner:test:client:confidential"
acpt = "partner:acpt:client:confidential"

[identity.test]
certificate = "test.pem"
key = "/abs/test.key"

[identity.acpt]
pkcs12 = "acpt.p12"
password_env = "ACPT_P12_PASSWORD"

[tls]
extra_ca = ["proxy-ca.pem"]
mtls_gateway = true

[timeouts]
connect_secs = 2.5

[token]
audience = "issuer"
assertion_lifetime_secs = 120
algorithm = "PS256"
key_id = "x5t#S256"
scopes = ["scope:cbss:api:demo:consult"]

[retry]
max_attempts = 5

[endpoints.acpt.internet]
gateway = "https://proxy.example:8443/bcss"
"#;

#[test]
fn a_complete_file_is_read_into_typed_values() {
    let c = parse(FULL).unwrap();
    assert_eq!(
        (c.environment, c.channel),
        (Environment::Acceptance, Channel::Internet)
    );
    assert_eq!(c.client_id().unwrap(), "partner:acpt:client:confidential");
    match &c.identities[&Environment::Test] {
        IdentitySource::PemFiles { certificate, key } => {
            assert_eq!(certificate, Path::new("/etc/bcss/test.pem"));
            assert_eq!(key, Path::new("/abs/test.key"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        &c.identities[&Environment::Acceptance],
        IdentitySource::Pkcs12File { password: PasswordSource::Env(v), .. } if v == "ACPT_P12_PASSWORD"
    ));
    assert!(c.mtls_gateway());
    assert_eq!(c.timeouts.connect, Duration::from_millis(2500));
    assert_eq!(c.token.audience, Audience::Issuer);
    assert_eq!(c.token.algorithm, SigningAlgorithm::PS256);
    assert_eq!(c.token.key_id, KeyIdHeader::X5tS256);
    assert_eq!(c.retry.max_attempts, 5);
    let e = c.endpoints();
    assert_eq!(e.gateway.as_str(), "https://proxy.example:8443/bcss");
    assert_eq!(
        e.token_endpoint.as_str(),
        "https://services-acpt.socialsecurity.be/REST/oauth/v5/token",
        "not overridden: the built-in value"
    );
}

#[test]
fn production_policy_keys_are_read_and_default_sensibly() {
    let c = parse(
        "environment = \"test\"
[timeouts]
request_secs = 4
total_secs = 12.5
[retry]
budget_capacity = 50
budget_retry_cost = 2
budget_timeout_retry_cost = 3
[token]
clock_correction = false
max_clock_correction_secs = 120",
    )
    .unwrap();
    assert_eq!(c.timeouts.request, Duration::from_secs(4));
    assert_eq!(c.timeouts.total, Some(Duration::from_millis(12_500)));
    assert_eq!(
        c.retry_budget,
        RetryBudgetSettings {
            capacity: 50,
            retry_cost: 2,
            timeout_retry_cost: 3
        }
    );
    assert!(!c.token.clock_correction);
    assert_eq!(c.token.max_clock_correction, Duration::from_secs(120));

    let d = parse("environment = \"test\"").unwrap();
    assert_eq!(d.timeouts.total, None);
    assert_eq!(d.retry_budget, RetryBudgetSettings::default());
    assert!(d.token.clock_correction);
}

#[test]
fn extranet_is_the_default_channel_and_uses_mutual_tls() {
    let c = parse("environment = \"prod\"").unwrap();
    assert_eq!(c.channel, Channel::Extranet);
    assert!(c.mtls_gateway());
}

#[test]
fn errors_name_the_file_the_key_and_what_is_expected() {
    let cases = [
        ("", "environment", "missing"),
        (
            "environment = \"staging\"",
            "environment",
            "`test`, `acpt` or `prod`",
        ),
        (
            "environment = \"test\"\n[identity.test]\ncertificate = \"a.pem\"",
            "identity.test",
            "needs `key`",
        ),
        (
            "environment = \"test\"\n[identity.tset]\ncertificate = \"a\"\nkey = \"b\"",
            "identity.tset",
            "unknown environment",
        ),
        (
            "environment = \"test\"\n[identity.test]\npkcs12 = \"a.p12\"",
            "identity.test",
            "password",
        ),
        (
            "environment = \"test\"\n[token]\nassertion_lifetime_secs = 3600",
            "token.assertion_lifetime_secs",
            "600",
        ),
        (
            "environment = \"test\"\n[token]\naudience = \"aud\"",
            "token.audience",
            "issuer",
        ),
        (
            "environment = \"test\"\n[endpoints.test.extranet]\ngateway = \"ftp://x\"",
            "endpoints.test.extranet.gateway",
            "https://",
        ),
        (
            "environment = \"test\"\n[timeouts]\ntotal_secs = 0",
            "timeouts.total_secs",
            "positive",
        ),
        (
            "environment = \"test\"\n[retry]\nbudget_retry_cost = 0",
            "retry.budget_retry_cost",
            "budget_capacity = 0",
        ),
        (
            "environment = \"test\"\n[tls]\nextra_cas = []",
            "line 3, column 1",
            "unknown field `extra_cas`",
        ),
    ];
    for (text, key, needle) in cases {
        let e = parse(text).unwrap_err();
        assert_eq!(e.origin, "bcss.toml", "{text}");
        assert_eq!(e.key, key, "{text}: {e}");
        assert!(e.message.contains(needle), "{text}: {e}");
    }
}

#[test]
fn missing_client_id_and_identity_say_which_environment() {
    let c = parse("environment = \"prod\"").unwrap();
    let e = c.client_id().unwrap_err();
    assert_eq!(e.key, "client_id.prod");
    let e = c.identity().unwrap_err();
    assert_eq!(e.key, "identity.prod");
}

#[test]
fn environment_variables_override_the_file_for_the_selected_environment() {
    let mut c = parse(FULL).unwrap();
    let vars = [
        ("BCSS_ENVIRONMENT", "test"),
        ("BCSS_CHANNEL", "extranet"),
        ("BCSS_CLIENT_ID", "from:env"),
        (
            "BCSS_TOKEN_ENDPOINT",
            "https://127.0.0.1:9999/REST/oauth/v5/token",
        ),
        ("BCSS_SCOPES", "a b"),
        ("UNRELATED", "x"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    c.apply_env(vars).unwrap();
    assert_eq!(c.environment, Environment::Test);
    assert_eq!(c.client_id().unwrap(), "from:env");
    assert_eq!(c.endpoints().token_endpoint.port(), Some(9999));
    assert_eq!(c.token.scopes, ["a", "b"]);
    let mut c = parse(FULL).unwrap();
    let e = c
        .apply_env([("BCSS_CERTIFICATE".to_owned(), "x.pem".to_owned())])
        .unwrap_err();
    assert!(e.message.contains("BCSS_KEY"), "{e}");
}

#[test]
fn pkcs12_password_file_is_read_without_its_newline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw"), "s3cret\n").unwrap();
    let src = PasswordSource::File(dir.path().join("pw"));
    assert_eq!(src.resolve("o", "k").unwrap().expose(), "s3cret");
}
