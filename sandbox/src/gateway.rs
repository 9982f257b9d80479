//! The gateway listeners (mTLS and plain TLS serve the same thing): bearer-token checks as
//! the BCSS gateway does them, scripted routes, `/health`, Belgif problems, trace headers.

use crate::faults::{Fault, FaultTarget};
use crate::log::{Listener, Outcome, RequestFacts};
use crate::problem::Problem;
use crate::routes::{self, api_of};
use crate::server;
use crate::state::{RouteEntry, SharedState};
use crate::validate;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// Request bodies the demo echoes are small.
const MAX_BODY: usize = 1024 * 1024;
/// Served contracts may take uploads (multipart, octet-stream).
const MAX_CONTRACT_BODY: usize = 16 * 1024 * 1024;

/// What a gateway handler needs besides the shared state: which listener it serves and that
/// listener's base URL (for `self` links).
pub struct GatewayContext {
    pub state: Arc<SharedState>,
    pub listener: Listener,
    pub base_url: String,
}

pub async fn handle(State(ctx): State<Arc<GatewayContext>>, request: Request) -> Response {
    let facts = RequestFacts::new(
        ctx.listener,
        request.method(),
        request.uri(),
        request.headers(),
        server::client_certificate(request.extensions()),
    );
    let related = facts.trace_id.clone();
    let (mut response, outcome) = answer(&ctx, request).await;
    // Belgif trc-header: our own trace id on every response, and the caller's echoed back.
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        headers.insert(HeaderName::from_static("belgov-trace-id"), value);
    }
    if let Some(value) = related.and_then(|r| HeaderValue::from_str(&r).ok()) {
        headers.insert(HeaderName::from_static("belgov-related-trace-id"), value);
    }
    ctx.state.record(facts, outcome);
    response
}

fn problem_answer(problem: Problem, access_token_id: Option<String>) -> (Response, Outcome) {
    let outcome = Outcome {
        access_token_id,
        ..Outcome::new(problem.status, problem.name, Some(problem.detail.clone()))
    };
    (problem.into_response(), outcome)
}

async fn answer(ctx: &GatewayContext, request: Request) -> (Response, Outcome) {
    let state = &ctx.state;
    let method = request.method().clone();
    let path = request.uri().path().to_string();

    let mut force_expired = false;
    if let Some(fault) = state.take_fault(FaultTarget::Gateway, method.as_str(), &path) {
        let kind = format!("fault:{}", fault.kind());
        let injected = |problem: Problem| {
            let (response, outcome) = problem_answer(problem, None);
            (
                response,
                Outcome {
                    outcome: kind.clone(),
                    ..outcome
                },
            )
        };
        match fault {
            Fault::Delay { millis } => tokio::time::sleep(Duration::from_millis(millis)).await,
            Fault::ExpiredToken => force_expired = true,
            Fault::DropConnection => {
                return (server::drop_connection(), Outcome::new(0, kind, None));
            }
            Fault::TooManyRequests { retry_after_secs } => {
                return injected(Problem::retry_after(
                    "tooManyRequests",
                    retry_after_secs,
                    "too many requests (injected fault)",
                ));
            }
            Fault::ServiceUnavailable { retry_after_secs } => {
                return injected(Problem::retry_after(
                    "serviceUnavailable",
                    retry_after_secs,
                    "service unavailable (injected fault)",
                ));
            }
            Fault::Down => {
                return injected(Problem::new(
                    "serviceUnavailable",
                    "service down (injected fault)",
                ));
            }
            Fault::InternalServerError => {
                return injected(Problem::new(
                    "internalServerError",
                    "internal error (injected fault)",
                ));
            }
            Fault::BadGateway => {
                return injected(Problem::new("badGateway", "bad gateway (injected fault)"));
            }
        }
    }

    let api = api_of(&path).to_string();
    if !state.knows_api(&api) {
        return problem_answer(
            Problem::new(
                "resourceNotFound",
                format!("API {api} is not deployed in this environment"),
            ),
            None,
        );
    }

    // Operations a served contract declares with `security: []` need no token at all.
    let routes = state.routes();
    let public = routes
        .iter()
        .any(|e| e.is_public() && e.route.method == method && e.route.match_path(&path).is_some());

    let settings = state.settings();
    if is_health_path(&path, &api) && method == Method::GET {
        let mut access_token_id = None;
        if settings.health_requires_token && !public {
            match check_bearer(
                state,
                request.headers(),
                request.uri().query(),
                force_expired,
            ) {
                Ok(token) => access_token_id = token.jti,
                Err((problem, jti)) => return problem_answer(problem, jti),
            }
        }
        let health = state.health(&api);
        let status = StatusCode::from_u16(health.http_status()).unwrap_or(StatusCode::OK);
        let response = (status, axum::Json(json!({"status": health.as_str()}))).into_response();
        let outcome = Outcome {
            access_token_id,
            ..Outcome::new(
                status.as_u16(),
                "ok",
                Some(format!("health {}", health.as_str())),
            )
        };
        return (response, outcome);
    }

    let token = if public {
        None
    } else {
        match check_bearer(
            state,
            request.headers(),
            request.uri().query(),
            force_expired,
        ) {
            Ok(token) => Some(token),
            Err((problem, jti)) => return problem_answer(problem, jti),
        }
    };
    let jti = token.as_ref().and_then(|t| t.jti.clone());

    let candidates: Vec<(&RouteEntry, Vec<(String, String)>)> = routes
        .iter()
        .filter_map(|e| e.route.match_path(&path).map(|params| (e, params)))
        .collect();
    if candidates.is_empty() {
        return problem_answer(
            Problem::new(
                "resourceNotFound",
                format!("no resource {path} in API {api}"),
            ),
            jti,
        );
    }
    // `/persons/query` wins over `/persons/{ssinRef}`: the most literal segments first.
    let Some((entry, params)) = candidates
        .iter()
        .filter(|(e, _)| e.route.method == method)
        .min_by_key(|(_, params)| params.len())
    else {
        let allow: Vec<&str> = candidates
            .iter()
            .map(|(e, _)| e.route.method.as_str())
            .collect();
        let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
        if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        let detail = Some(format!(
            "{method} not allowed on {path}; allowed: {}",
            allow.join(", ")
        ));
        return (
            response,
            Outcome {
                access_token_id: jti,
                ..Outcome::new(405, "methodNotAllowed", detail)
            },
        );
    };
    if let Some(token) = &token {
        let required = &entry.route.required_scopes;
        let granted = |scopes: &[String]| scopes.iter().all(|s| token.scopes.contains(s));
        // A served contract may offer several security alternatives: any one of them will do.
        let alternative = entry
            .contract
            .as_ref()
            .is_some_and(|spec| spec.scope_alternatives.iter().any(|a| granted(a)));
        if !granted(required) && !alternative {
            return problem_answer(Problem::missing_scope(required, &token.scopes), jti);
        }
    }

    let request_url = format!("{}{}", ctx.base_url, path);
    let mut vars = params.clone();
    vars.push(("request_url".to_string(), request_url.clone()));
    vars.push(("base_url".to_string(), ctx.base_url.clone()));
    let mut legal_context = None;
    let mut body_parts = Vec::new();
    let response = match (&entry.contract, entry.dynamic) {
        (Some(spec), _) => {
            let query = request.uri().query().map(str::to_owned);
            let headers = request.headers().clone();
            let body = match axum::body::to_bytes(request.into_body(), MAX_CONTRACT_BODY).await {
                Ok(body) => body,
                Err(_) => {
                    return problem_answer(
                        Problem::new(
                            "payloadTooLarge",
                            format!(
                                "the sandbox accepts request bodies up to {MAX_CONTRACT_BODY} bytes"
                            ),
                        ),
                        jti,
                    );
                }
            };
            let checked = validate::check(spec, query.as_deref(), &headers, &body);
            legal_context = checked.legal_context;
            body_parts = checked.parts;
            if !checked.issues.is_empty() {
                let summary: Vec<String> = checked
                    .issues
                    .iter()
                    .map(|i| {
                        format!(
                            "{} {} {}",
                            i.kind,
                            i.location,
                            i.name.as_deref().unwrap_or("")
                        )
                    })
                    .collect();
                let issues: Vec<Value> = checked.issues.iter().map(|i| i.to_json()).collect();
                let (response, outcome) = problem_answer(
                    Problem::new("badRequest", "The input message is incorrect")
                        .with("issues", Value::Array(issues)),
                    jti,
                );
                return (
                    response,
                    Outcome {
                        detail: Some(summary.join("; ").trim().to_string()),
                        legal_context,
                        body_parts,
                        ..outcome
                    },
                );
            }
            let chosen = negotiate(&headers, &entry.route.response, &spec.alternatives);
            scripted_response(chosen, &vars)
        }
        (None, Some(dynamic)) => {
            let body = axum::body::to_bytes(request.into_body(), MAX_BODY)
                .await
                .unwrap_or_default();
            match dynamic.respond(&body, &request_url) {
                (400, _) => {
                    return problem_answer(
                        Problem::new("badRequest", "the request body must be a JSON object"),
                        jti,
                    );
                }
                (status, value) => {
                    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                    (status, axum::Json(value)).into_response()
                }
            }
        }
        (None, None) => scripted_response(&entry.route.response, &vars),
    };
    let status = response.status().as_u16();
    (
        response,
        Outcome {
            access_token_id: jti,
            legal_context,
            body_parts,
            ..Outcome::new(status, "ok", None)
        },
    )
}

/// The documented answer whose content type the request's `Accept` asks for; the first one
/// when `Accept` is absent, a wildcard, or names none of them.
fn negotiate<'a>(
    headers: &HeaderMap,
    first: &'a routes::RouteResponse,
    alternatives: &'a [routes::RouteResponse],
) -> &'a routes::RouteResponse {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return first;
    };
    let accepted: Vec<String> = accept
        .split(',')
        .filter_map(|m| m.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .collect();
    let fits = |r: &routes::RouteResponse| {
        let ct = r.content_type.to_ascii_lowercase();
        let major = ct.split('/').next().unwrap_or_default();
        accepted
            .iter()
            .any(|a| *a == ct || a == "*/*" || *a == format!("{major}/*"))
    };
    if first.body.is_none() || fits(first) {
        return first;
    }
    alternatives.iter().find(|r| fits(r)).unwrap_or(first)
}

/// `/{api}/health` or `/{api}/v{N}/health`: CBSS contracts put health under the versioned
/// base path, but the API name alone is accepted too.
fn is_health_path(path: &str, api: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        [a, "health"] => *a == api,
        [a, version, "health"] => *a == api && version.starts_with('v'),
        _ => false,
    }
}

fn scripted_response(scripted: &routes::RouteResponse, vars: &[(String, String)]) -> Response {
    let status = StatusCode::from_u16(scripted.status).unwrap_or(StatusCode::OK);
    // A Content-Type among the scripted headers overrides `content_type` (one header, not two).
    let content_type = scripted
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map_or(scripted.content_type.as_str(), |(_, value)| value.as_str());
    let body = match &scripted.body {
        None => Body::empty(),
        // A string body with a non-JSON content type is sent as is (e.g. text/plain).
        Some(Value::String(text)) if !content_type.contains("json") => {
            Body::from(routes::fill_text(text, vars))
        }
        Some(value) => Body::from(routes::fill_placeholders(value, vars).to_string()),
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if scripted.body.is_some()
        && let Ok(value) = HeaderValue::from_str(content_type)
    {
        headers.insert(header::CONTENT_TYPE, value);
    }
    for (name, value) in &scripted.headers {
        if name.eq_ignore_ascii_case("content-type") {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&routes::fill_text(value, vars)),
        ) {
            headers.append(name, value);
        }
    }
    response
}

/// What the gateway learned from a valid access token.
struct TokenFacts {
    jti: Option<String>,
    scopes: Vec<String>,
}

/// RFC 6750 §2.1 bearer check. On failure: the problem, and the token's jti if it was ours.
// The error is the answer about to be sent, not an error propagated up a call stack.
#[allow(clippy::result_large_err)]
fn check_bearer(
    state: &SharedState,
    headers: &HeaderMap,
    query: Option<&str>,
    force_expired: bool,
) -> Result<TokenFacts, (Problem, Option<String>)> {
    let no_token = |detail: String| (Problem::invalid_token("noAccessToken", detail), None);
    let in_query = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .any(|(k, _)| k == "access_token");
    if in_query {
        return Err(no_token("access_token in the query string is not supported; only the Authorization: Bearer header is".into()));
    }
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(no_token(
            "no Authorization header; send Authorization: Bearer <access token>".into(),
        ));
    };
    let value = value.to_str().unwrap_or("");
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(no_token(format!(
            "Authorization scheme {scheme:?} is not supported; use Bearer"
        )));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(no_token("the Bearer token is empty".into()));
    }
    let jws = state.signer.verify(token).map_err(|why| {
        (
            Problem::invalid_token("invalidAccessToken", format!("invalid access token: {why}")),
            None,
        )
    })?;
    let jti = jws.str_claim("jti").map(String::from);
    let invalid = |detail: String| {
        (
            Problem::invalid_token("invalidAccessToken", detail),
            jti.clone(),
        )
    };
    if jws.str_claim("iss") != Some(state.endpoints.issuer.as_str()) {
        return Err(invalid(format!(
            "the token was not issued by {}",
            state.endpoints.issuer
        )));
    }
    let exp = match jws.time_claim("exp") {
        Ok(Some(exp)) => exp,
        _ => return Err(invalid("the token has no valid exp claim".into())),
    };
    let now = state.now();
    if force_expired || exp <= now {
        let detail = if force_expired {
            "the access token has expired (injected fault)".to_string()
        } else {
            format!("the access token expired at {exp}; gateway time is {now}")
        };
        return Err((Problem::invalid_token("expiredAccessToken", detail), jti));
    }
    let scopes = jws
        .str_claim("scope")
        .unwrap_or("")
        .split_whitespace()
        .map(String::from)
        .collect();
    Ok(TokenFacts { jti, scopes })
}
