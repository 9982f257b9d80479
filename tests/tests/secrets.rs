//! Secrets stay secret: no token, assertion, private key or password in any `Debug` output,
//! error message or log line — the runtime's and the sandbox's.

use std::io::Write;
use std::sync::{Arc, Mutex};

use bcss_e2e::{Harness, password, set_identity};
use bcss_runtime::config::IdentitySource;
use bcss_sandbox::{Fault, FaultRule, FaultTarget};
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_reaches_debug_output_errors_or_log_lines() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let h = Harness::start().await;
    let p12_password = std::fs::read_to_string(h.file("client.p12.password")).unwrap();
    let mut seen: Vec<String> = Vec::new();

    // A PKCS#12 identity, a successful call, a forced token refresh, a problem, a refusal.
    let source = IdentitySource::Pkcs12File {
        path: h.file("client.p12"),
        password: password(p12_password.trim()),
    };
    let mut config = h.config();
    set_identity(&mut config, source);
    let client = bcss_runtime::BcssClient::new(&config).unwrap();
    let token = client.tokens().token().await.unwrap();
    client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap();
    h.sandbox
        .push_fault(FaultRule::once(FaultTarget::Gateway, Fault::ExpiredToken));
    let refreshed = client.tokens().clone();
    client
        .post("/demo/v1/persons/query")
        .json(&json!({"ssin": "1"}))
        .send()
        .await
        .unwrap();
    let fresh = refreshed.token().await.unwrap();
    let scoped = h
        .client_with(|c| c.token.scopes = vec!["scope:cbss:api:demo:consult".into()])
        .unwrap();
    let problem = scoped
        .put("/demo/v1/persons/1/address")
        .json(&json!({}))
        .send()
        .await
        .unwrap_err();
    let other = h.sandbox.mint_client("other");
    let wrong_key = h.identity_files("other", &other);
    let refused = h
        .client_with(|c| set_identity(c, wrong_key))
        .unwrap()
        .tokens()
        .token()
        .await
        .unwrap_err();

    seen.push(format!(
        "{client:?} {config:?} {token:?} {fresh:?} {:?}",
        client.tokens()
    ));
    seen.push(format!("{problem} {problem:?} {refused} {refused:?}"));
    seen.push(format!("{:?}", h.sandbox));
    seen.push(format!("{:?}", h.sandbox.client()));
    for entry in h.sandbox.log() {
        seen.push(format!("{entry:?}"));
        seen.push(serde_json::to_string(&entry).unwrap());
    }
    seen.push(String::from_utf8(captured.0.lock().unwrap().clone()).unwrap());
    let all = seen.join("\n");
    assert!(
        all.contains("token request") || all.contains("gateway"),
        "the log was captured"
    );

    let key_pem = std::fs::read_to_string(h.file("client.key")).unwrap();
    let key_lines: Vec<&str> = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let secrets = [token.expose(), fresh.expose(), p12_password.trim()];
    for secret in secrets.iter().chain(&key_lines) {
        assert!(
            !all.contains(secret),
            "a secret leaked: {}…",
            &secret[..8.min(secret.len())]
        );
    }
    // Any JWT (access token or client assertion) starts with a base64url JSON object: `eyJ`.
    assert!(
        !all.contains("eyJ"),
        "a JWT leaked:\n{}",
        all.lines().find(|l| l.contains("eyJ")).unwrap()
    );
}
