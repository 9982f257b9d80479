//! Helpers shared by the integration tests: a running sandbox, HTTPS clients that trust its
//! CA, and client assertions built the way a partner's client would build them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bcss_sandbox::{ClientCredentials, Sandbox, SandboxConfig};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
pub const CONSULT: &str = "scope:cbss:api:demo:consult";
pub const UPDATE: &str = "scope:cbss:api:demo:update";

pub async fn start() -> Sandbox {
    start_with(SandboxConfig::default()).await
}

pub async fn start_with(config: SandboxConfig) -> Sandbox {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    Sandbox::start(config).await.expect("sandbox starts")
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

fn builder(sandbox: &Sandbox) -> reqwest::ClientBuilder {
    let ca = reqwest::Certificate::from_pem(sandbox.ca_pem().as_bytes()).expect("CA PEM");
    reqwest::Client::builder()
        .tls_backend_rustls()
        .tls_certs_only([ca])
}

/// An HTTPS client that trusts the sandbox CA and presents no client certificate.
pub fn http(sandbox: &Sandbox) -> reqwest::Client {
    builder(sandbox).build().expect("client")
}

/// Like [`http`], but speaking HTTP/1.1 only (the others negotiate HTTP/2).
pub fn http1(sandbox: &Sandbox) -> reqwest::Client {
    builder(sandbox).http1_only().build().expect("client")
}

/// An HTTPS client presenting `credentials` as its TLS client certificate.
pub fn mtls(sandbox: &Sandbox, credentials: &ClientCredentials) -> reqwest::Client {
    let pem = format!(
        "{}{}",
        credentials.certificate_pem, credentials.private_key_pem
    );
    let identity = reqwest::Identity::from_pem(pem.as_bytes()).expect("identity");
    builder(sandbox).identity(identity).build().expect("client")
}

/// Claims of a valid assertion for the registered client.
pub fn claims(sandbox: &Sandbox) -> Value {
    let client_id = &sandbox.endpoints().client_id;
    let now = now();
    json!({
        "iss": client_id,
        "sub": client_id,
        "aud": sandbox.endpoints().token_endpoint,
        "iat": now,
        "exp": now + 300,
        "jti": uuid::Uuid::new_v4().to_string(),
    })
}

/// Signs `claims` with an RSA key (PKCS#8 PEM).
pub fn sign(alg: Algorithm, key_pem: &str, claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(key_pem.as_bytes()).expect("RSA key");
    jsonwebtoken::encode(&Header::new(alg), claims, &key).expect("sign")
}

/// A valid RS256 assertion by the registered client, with `edit` applied to the claims.
pub fn assertion(sandbox: &Sandbox, edit: impl FnOnce(&mut Value)) -> String {
    let mut claims = claims(sandbox);
    edit(&mut claims);
    sign(Algorithm::RS256, &sandbox.client().private_key_pem, &claims)
}

/// An unsigned JWS with the given header (for `alg: none` and friends).
pub fn unsigned(header: &Value, claims: &Value) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.", part(header), part(claims))
}

/// The standard form of a token request carrying `assertion`.
pub fn form(assertion: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "client_credentials".to_string()),
        ("client_assertion_type", JWT_BEARER.to_string()),
        ("client_assertion", assertion.to_string()),
    ]
}

pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The OAuth error code, or the Belgif problem type.
    pub fn error(&self) -> &str {
        self.body["error"]
            .as_str()
            .or_else(|| self.body["type"].as_str())
            .unwrap_or("")
    }

    pub fn description(&self) -> &str {
        self.body["error_description"]
            .as_str()
            .or_else(|| self.body["detail"].as_str())
            .unwrap_or("")
    }
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("response body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

/// POSTs `form` to the token endpoint.
pub async fn token_request(sandbox: &Sandbox, form: &[(&str, String)]) -> Answer {
    let response = http(sandbox)
        .post(&sandbox.endpoints().token_endpoint)
        .form(form)
        .send()
        .await
        .expect("token endpoint reachable");
    answer(response).await
}

/// A fresh access token for the registered client (all its scopes).
pub async fn access_token(sandbox: &Sandbox) -> String {
    let answer = token_request(sandbox, &form(&assertion(sandbox, |_| {}))).await;
    assert_eq!(answer.status, 200, "token request failed: {}", answer.body);
    answer.body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

/// GETs `path` on the mTLS gateway with the registered client's certificate and `token`.
pub async fn gateway_get(sandbox: &Sandbox, path: &str, token: Option<&str>) -> Answer {
    let url = format!("{}{path}", sandbox.endpoints().gateway_mtls_url);
    let mut request = mtls(sandbox, sandbox.client()).get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(request.send().await.expect("gateway reachable")).await
}

/// Calls the admin API (plain HTTP) with an optional JSON body.
pub async fn admin(
    sandbox: &Sandbox,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let url = format!("{}{path}", sandbox.endpoints().admin_url);
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    answer(request.send().await.expect("admin reachable")).await
}
