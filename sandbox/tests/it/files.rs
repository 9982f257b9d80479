//! write_dir, the .p12, bcss.toml, a client the sandbox did not write (openssl), redaction,
//! start/shutdown.

use crate::common::*;
use bcss_sandbox::{Endpoints, Ports, SandboxConfig, SandboxError};
use std::path::Path;
use std::process::Command;

#[tokio::test]
async fn write_dir_writes_every_file_and_keeps_secrets_private() {
    let sandbox = start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("nested/sandbox");
    sandbox.write_dir(&target).expect("write_dir");
    for name in [
        "ca.pem",
        "client.pem",
        "client.key",
        "client.p12",
        "client.p12.password",
        "bcss.toml",
        "endpoints.json",
    ] {
        assert!(target.join(name).is_file(), "{name} missing");
    }
    let read = |name: &str| std::fs::read_to_string(target.join(name)).expect("readable");
    assert_eq!(read("ca.pem"), sandbox.ca_pem());
    assert_eq!(read("client.pem"), sandbox.client().certificate_pem);
    assert!(read("client.key").starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(read("bcss.toml"), sandbox.bcss_toml());
    let endpoints: Endpoints =
        serde_json::from_str(&read("endpoints.json")).expect("endpoints.json");
    assert_eq!(&endpoints, sandbox.endpoints());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for name in ["client.key", "client.p12", "client.p12.password"] {
            let mode = std::fs::metadata(target.join(name))
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(&target)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[tokio::test]
async fn p12_is_legacy_and_opens_with_p12_keystore_and_its_password() {
    let sandbox = start_with(SandboxConfig {
        p12_password: "correct horse".into(),
        ..SandboxConfig::default()
    })
    .await;
    let client = sandbox.client();
    assert_eq!(client.pkcs12_password, "correct horse");
    let store = p12_keystore::KeyStore::from_pkcs12(
        &client.pkcs12_der,
        "correct horse",
        p12_keystore::Pkcs12ImportPolicy::Strict,
    )
    .expect("p12 opens");
    let (_, chain) = store.private_key_chain().expect("key entry");
    let leaf = chain.certs().first().expect("leaf");
    assert!(
        leaf.subject()
            .contains("CN=sandbox:partner:client:confidential")
    );
    let key_pem_body: String = client
        .private_key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    use base64::Engine;
    let key_der = base64::engine::general_purpose::STANDARD
        .decode(key_pem_body)
        .expect("base64");
    assert_eq!(chain.key().as_der(), key_der.as_slice());
    assert!(
        p12_keystore::KeyStore::from_pkcs12(
            &client.pkcs12_der,
            "wrong",
            p12_keystore::Pkcs12ImportPolicy::Strict
        )
        .is_err()
    );
}

#[tokio::test]
async fn bcss_toml_points_at_the_sandbox_with_relative_file_names() {
    let sandbox = start().await;
    let doc: toml::Table = sandbox.bcss_toml().parse().expect("valid TOML");
    let e = sandbox.endpoints();
    assert_eq!(doc["environment"].as_str(), Some("test"));
    assert_eq!(doc["channel"].as_str(), Some("extranet"));
    assert_eq!(
        doc["client_id"]["test"].as_str(),
        Some(e.client_id.as_str())
    );
    assert_eq!(
        doc["identity"]["test"]["certificate"].as_str(),
        Some("client.pem")
    );
    assert_eq!(doc["identity"]["test"]["key"].as_str(), Some("client.key"));
    assert_eq!(doc["tls"]["extra_ca"][0].as_str(), Some("ca.pem"));
    assert_eq!(doc["tls"]["system_roots"].as_bool(), Some(false));
    let extranet = &doc["endpoints"]["test"]["extranet"];
    assert_eq!(
        extranet["gateway"].as_str(),
        Some(e.gateway_mtls_url.as_str())
    );
    assert_eq!(
        extranet["token_endpoint"].as_str(),
        Some(e.token_endpoint.as_str())
    );
    assert_eq!(extranet["metadata"].as_str(), Some(e.metadata_url.as_str()));
    assert_eq!(extranet["issuer"].as_str(), Some(e.issuer.as_str()));
    assert_eq!(
        doc["endpoints"]["test"]["internet"]["gateway"].as_str(),
        Some(e.gateway_url.as_str())
    );
    assert!(sandbox.bcss_toml().starts_with("# Written by bcss-sandbox"));
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs `input` with `openssl dgst -sha256 -sign <key>` (RS256).
fn openssl_sign(key: &Path, input: &str) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(key)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("openssl on PATH");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let output = child.wait_with_output().expect("openssl runs");
    assert!(output.status.success(), "openssl failed");
    output.stdout
}

#[tokio::test]
async fn token_from_openssl_built_assertion() {
    let sandbox = start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    sandbox.write_dir(dir.path()).expect("write_dir");
    // Everything below comes from the written files only, as an external client would do.
    let endpoints: Endpoints = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("endpoints.json")).expect("read"),
    )
    .expect("json");
    let header = b64url(br#"{"alg":"RS256","typ":"JWT"}"#);
    let now = now();
    let claims = format!(
        r#"{{"iss":"{id}","sub":"{id}","aud":"{aud}","iat":{now},"exp":{exp},"jti":"{jti}"}}"#,
        id = endpoints.client_id,
        aud = endpoints.token_endpoint,
        exp = now + 120,
        jti = uuid::Uuid::new_v4(),
    );
    let input = format!("{header}.{}", b64url(claims.as_bytes()));
    let signature = openssl_sign(&dir.path().join("client.key"), &input);
    let assertion = format!("{input}.{}", b64url(&signature));

    let ca = reqwest::Certificate::from_pem(&std::fs::read(dir.path().join("ca.pem")).expect("ca"))
        .expect("pem");
    let client = reqwest::Client::builder()
        .tls_backend_rustls()
        .tls_certs_only([ca])
        .build()
        .expect("client");
    let response = client
        .post(&endpoints.token_endpoint)
        .form(&form(&assertion))
        .send()
        .await
        .expect("reachable");
    let answer = answer(response).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn debug_output_redacts_keys_p12_and_password() {
    let sandbox = start().await;
    let printed = format!("{:?}", sandbox.client());
    assert!(printed.contains("[redacted]"));
    assert!(!printed.contains("PRIVATE KEY"));
    assert!(!printed.contains(&sandbox.client().pkcs12_password));
    let printed = format!("{sandbox:?}");
    assert!(!printed.contains("PRIVATE KEY"));
    assert!(printed.contains(&sandbox.endpoints().token_endpoint));
}

#[tokio::test]
async fn start_reports_which_listener_could_not_bind() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let config = SandboxConfig {
        ports: Ports {
            gateway_tls: port,
            ..Ports::default()
        },
        ..SandboxConfig::default()
    };
    let error = bcss_sandbox::Sandbox::start(config)
        .await
        .expect_err("port is taken");
    assert!(matches!(
        error,
        SandboxError::Bind {
            listener: "gateway_tls",
            ..
        }
    ));
    assert!(error.to_string().contains(&port.to_string()));
}

#[tokio::test]
async fn shutdown_stops_every_listener() {
    let sandbox = start().await;
    let e = sandbox.endpoints().clone();
    sandbox.shutdown().await;
    for url in [&e.issuer, &e.gateway_mtls_url, &e.gateway_url, &e.admin_url] {
        let addr = url.rsplit('/').next().expect("authority");
        assert!(
            std::net::TcpStream::connect(addr).is_err(),
            "{url} still accepts connections"
        );
    }
}
