//! The auth listener: RFC 8414 metadata and the Smals OAuth v5 token endpoint
//! (client_credentials with a private_key_jwt client assertion).

use crate::assertion::{self, OAuthError};
use crate::faults::{Fault, FaultTarget};
use crate::jws::Compact;
use crate::log::{Listener, Outcome, RequestFacts, TokenRequestInfo};
use crate::server;
use crate::state::SharedState;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, StatusCode, header};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

pub const TOKEN_PATH: &str = "/REST/oauth/v5/token";
pub const METADATA_PATH: &str = "/.well-known/oauth-authorization-server";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Token requests are small; anything bigger is not a token request.
const MAX_BODY: usize = 64 * 1024;

/// Every request on the auth listener lands here, so that each one is logged exactly once.
pub async fn handle(State(state): State<Arc<SharedState>>, request: Request) -> Response {
    let facts = RequestFacts::new(
        Listener::Auth,
        request.method(),
        request.uri(),
        request.headers(),
        server::client_certificate(request.extensions()),
    );
    let (response, outcome) = answer(&state, request).await;
    state.record(facts, outcome);
    response
}

async fn answer(state: &SharedState, request: Request) -> (Response, Outcome) {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    if let Some(fault) = state.take_fault(FaultTarget::TokenEndpoint, method.as_str(), &path)
        && let Some(answer) = apply_fault(&fault).await
    {
        return answer;
    }
    match path.as_str() {
        METADATA_PATH if method == Method::GET => (
            axum::Json(metadata(state)).into_response(),
            Outcome::new(200, "ok", None),
        ),
        TOKEN_PATH if method == Method::POST => {
            let (parts, body) = request.into_parts();
            let body = match axum::body::to_bytes(body, MAX_BODY).await {
                Ok(body) => body,
                Err(_) => {
                    let error = OAuthError::new(
                        "invalid_request",
                        format!("request body unreadable or over {MAX_BODY} bytes"),
                    );
                    return error_answer(error, None);
                }
            };
            token(state, &parts.headers, &body)
        }
        METADATA_PATH | TOKEN_PATH => {
            let allow = if path == TOKEN_PATH { "POST" } else { "GET" };
            let error = OAuthError::new(
                "invalid_request",
                format!("method {method} not allowed; use {allow}"),
            );
            let (mut response, outcome) = error_answer(error, None);
            *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            response
                .headers_mut()
                .insert(header::ALLOW, http::HeaderValue::from_static(allow));
            (
                response,
                Outcome {
                    status: 405,
                    ..outcome
                },
            )
        }
        _ => {
            let body = json!({"error": "not_found", "error_description": format!("no such endpoint {path}; the token endpoint is {TOKEN_PATH}")});
            (
                (StatusCode::NOT_FOUND, axum::Json(body)).into_response(),
                Outcome::new(404, "not_found", None),
            )
        }
    }
}

/// A fault on the auth listener. None = carry on normally (after a delay, or a fault that
/// only concerns the gateway).
async fn apply_fault(fault: &Fault) -> Option<(Response, Outcome)> {
    let outcome = |status| Outcome::new(status, format!("fault:{}", fault.kind()), None);
    let oauth = |status: u16, error: &str, retry_after: Option<u64>| {
        let body = json!({"error": error, "error_description": format!("injected fault: {}", fault.kind())});
        let status_code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let mut response = (status_code, no_store(), axum::Json(body)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, secs.into());
        }
        Some((response, outcome(status)))
    };
    match fault {
        Fault::Delay { millis } => {
            tokio::time::sleep(Duration::from_millis(*millis)).await;
            None
        }
        Fault::ExpiredToken => None,
        Fault::DropConnection => Some((server::drop_connection(), outcome(0))),
        Fault::Down => oauth(503, "temporarily_unavailable", None),
        Fault::ServiceUnavailable { retry_after_secs } => {
            oauth(503, "temporarily_unavailable", Some(*retry_after_secs))
        }
        Fault::TooManyRequests { retry_after_secs } => {
            oauth(429, "temporarily_unavailable", Some(*retry_after_secs))
        }
        Fault::InternalServerError => oauth(500, "server_error", None),
        Fault::BadGateway => oauth(502, "server_error", None),
    }
}

fn metadata(state: &SharedState) -> Value {
    let endpoints = &state.endpoints;
    json!({
        "issuer": endpoints.issuer,
        "token_endpoint": endpoints.token_endpoint,
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": state.settings().accepted_algorithms,
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": state.all_scopes(),
    })
}

/// The token endpoint proper: checks in the order a client developer would want to hear
/// about problems (transport shape, then parameters, then the assertion, then scopes).
fn token(state: &SharedState, headers: &HeaderMap, body: &Bytes) -> (Response, Outcome) {
    let mut info = TokenRequestInfo::default();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    info.form_keys = form.iter().map(|(k, _)| k.clone()).collect();
    let param = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    info.grant_type = param("grant_type");
    info.client_assertion_type = param("client_assertion_type");
    info.scope = param("scope");
    let assertion_text = param("client_assertion");
    let jws = assertion_text.as_deref().map(Compact::parse);
    if let Some(Ok(jws)) = &jws {
        info.assertion_header = Some(jws.header.clone());
        info.assertion_claims = Some(jws.claims.clone());
    }

    let result = (|| {
        if let Some(auth) = headers.get(header::AUTHORIZATION) {
            let scheme = auth
                .to_str()
                .unwrap_or("")
                .split_whitespace()
                .next()
                .unwrap_or("");
            return Err(OAuthError::invalid_client(format!(
                "client secrets and HTTP {scheme} authentication are not supported; use private_key_jwt (client_assertion)"
            )));
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let media_type = content_type.split(';').next().unwrap_or("").trim();
        if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(OAuthError::new(
                "invalid_request",
                format!(
                    "Content-Type must be application/x-www-form-urlencoded, got {content_type:?}"
                ),
            ));
        }
        for (i, key) in info.form_keys.iter().enumerate() {
            if info.form_keys[..i].contains(key) {
                return Err(OAuthError::new(
                    "invalid_request",
                    format!("parameter {key} sent more than once"),
                ));
            }
        }
        if param("client_secret").is_some() {
            return Err(OAuthError::invalid_client(
                "client_secret is not supported; use private_key_jwt (client_assertion)",
            ));
        }
        match info.grant_type.as_deref() {
            None => {
                return Err(OAuthError::new(
                    "invalid_request",
                    "grant_type is missing; send grant_type=client_credentials",
                ));
            }
            Some("client_credentials") => {}
            Some(other) => {
                return Err(OAuthError::new(
                    "unsupported_grant_type",
                    format!("grant_type {other:?} is not supported; use client_credentials"),
                ));
            }
        }
        match info.client_assertion_type.as_deref() {
            Some(JWT_BEARER) => {}
            Some(other) => {
                return Err(OAuthError::new(
                    "invalid_request",
                    format!("client_assertion_type {other:?} is not supported; use {JWT_BEARER}"),
                ));
            }
            None => {
                return Err(OAuthError::new(
                    "invalid_request",
                    format!("client_assertion_type is missing; send {JWT_BEARER}"),
                ));
            }
        }
        let jws = match &jws {
            None => {
                return Err(OAuthError::new(
                    "invalid_request",
                    "client_assertion is missing",
                ));
            }
            Some(Err(why)) => {
                return Err(OAuthError::invalid_client(format!(
                    "client_assertion is malformed: {why}"
                )));
            }
            Some(Ok(jws)) => jws,
        };
        let settings = state.settings();
        let client = assertion::authenticate(state, &settings, jws)?;
        let scopes = assertion::grant_scopes(info.scope.as_deref(), &client.client)?;
        issue(state, &settings, &client.client_id, &scopes)
    })();

    match result {
        Ok((response, jti)) => {
            let detail = Some(format!("access token {jti} issued"));
            (
                response,
                Outcome {
                    token: Some(info),
                    ..Outcome::new(200, "ok", detail)
                },
            )
        }
        Err(error) => error_answer(error, Some(info)),
    }
}

/// Signs an access token and builds the 200 answer; also returns the token's jti for the log.
fn issue(
    state: &SharedState,
    settings: &crate::Settings,
    client_id: &str,
    scopes: &[String],
) -> Result<(Response, String), OAuthError> {
    let now = state.now();
    let jti = uuid::Uuid::new_v4().to_string();
    let scope = scopes.join(" ");
    let claims = json!({
        "iss": state.endpoints.issuer,
        "sub": client_id,
        "client_id": client_id,
        "scope": scope,
        "iat": now,
        "exp": now.saturating_add(i64::try_from(settings.token_lifetime_secs).unwrap_or(i64::MAX)),
        "jti": jti,
    });
    let token = state
        .signer
        .sign(&claims)
        .map_err(|e| OAuthError::new("server_error", e))?;
    let body = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": settings.token_lifetime_secs,
        "scope": scope,
    });
    Ok((
        (StatusCode::OK, no_store(), axum::Json(body)).into_response(),
        jti,
    ))
}

fn error_answer(error: OAuthError, info: Option<TokenRequestInfo>) -> (Response, Outcome) {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = json!({"error": error.code, "error_description": error.description});
    let response = (status, no_store(), axum::Json(body)).into_response();
    let outcome = Outcome {
        token: info,
        ..Outcome::new(error.status(), error.code, Some(error.description))
    };
    (response, outcome)
}

/// RFC 6749 §5.1: token responses must not be cached.
fn no_store() -> [(header::HeaderName, &'static str); 2] {
    [
        (header::CACHE_CONTROL, "no-store"),
        (header::PRAGMA, "no-cache"),
    ]
}
