//! The admin API: plain HTTP on loopback, JSON in and out, for scripting a running sandbox
//! from any language (tests in other processes, the CLI user with curl).
//!
//! The endpoints are listed in the crate documentation (lib.rs), next to the library calls
//! they mirror. Errors are `{"error": "<what was wrong>"}` with a 4xx status.

use crate::faults::FaultRule;
use crate::routes::{HealthStatus, Route};
use crate::state::SharedState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;

type Shared = State<Arc<SharedState>>;

pub fn router(state: Arc<SharedState>) -> Router {
    Router::new()
        .route("/log", get(get_log).delete(delete_log))
        .route(
            "/faults",
            get(get_faults).post(post_fault).delete(delete_faults),
        )
        .route("/settings", get(get_settings).put(put_settings))
        .route("/clock", get(get_clock).put(put_clock))
        .route("/routes", get(get_routes).post(post_route))
        .route("/health/{api}", put(put_health))
        .route("/endpoints", get(get_endpoints))
        .route("/contracts", get(get_contracts).post(post_contract))
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "no such admin endpoint; see the admin module docs".into(),
            )
        })
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed on this admin endpoint".into(),
            )
        })
        .with_state(state)
}

fn error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

/// Parses a JSON body into `T`, answering 400 with serde's explanation otherwise (axum's Json
/// extractor would answer in plain text).
fn parse<T: DeserializeOwned>(body: &Bytes, what: &str) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            format!("invalid {what} JSON: {e}"),
        ))
    })
}

async fn get_log(State(state): Shared) -> Response {
    Json(state.log()).into_response()
}

async fn delete_log(State(state): Shared) -> StatusCode {
    state.clear_log();
    StatusCode::NO_CONTENT
}

async fn get_faults(State(state): Shared) -> Response {
    Json(state.faults()).into_response()
}

async fn post_fault(State(state): Shared, body: Bytes) -> Response {
    match parse::<FaultRule>(&body, "fault rule") {
        Ok(rule) => {
            state.push_fault(rule.clone());
            (StatusCode::CREATED, Json(rule)).into_response()
        }
        Err(response) => *response,
    }
}

async fn delete_faults(State(state): Shared) -> StatusCode {
    state.clear_faults();
    StatusCode::NO_CONTENT
}

async fn get_settings(State(state): Shared) -> Response {
    Json(state.settings()).into_response()
}

async fn put_settings(State(state): Shared, body: Bytes) -> Response {
    let patch: Value = match parse(&body, "settings") {
        Ok(patch) => patch,
        Err(response) => return *response,
    };
    match state.settings().merged_with(&patch) {
        Ok(merged) => {
            state.update_settings(|settings| *settings = merged.clone());
            Json(merged).into_response()
        }
        Err(message) => error(StatusCode::BAD_REQUEST, message),
    }
}

/// The sandbox clock: its offset against real time and the time it shows.
fn clock(state: &SharedState) -> Value {
    // One reading, so that `now` and `date` agree to the second.
    let time = state.clock();
    let date = crate::server::http_date(time).and_then(|d| d.to_str().ok().map(String::from));
    json!({
        "offset_secs": state.settings().clock_offset_secs,
        "now": crate::state::unix_secs(time),
        "date": date,
    })
}

async fn get_clock(State(state): Shared) -> Response {
    Json(clock(&state)).into_response()
}

/// `{"offset_secs": N}`: the same setting as `clock_offset_secs` of `PUT /settings`.
async fn put_clock(State(state): Shared, body: Bytes) -> Response {
    let body: Value = match parse(&body, "clock") {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let expected = r#"expected {"offset_secs": <seconds, negative = the sandbox clock is behind>}"#;
    let Some(offset) = body.get("offset_secs").and_then(Value::as_i64) else {
        return error(StatusCode::BAD_REQUEST, expected.into());
    };
    if body.as_object().is_some_and(|o| o.len() != 1) {
        return error(StatusCode::BAD_REQUEST, expected.into());
    }
    match state.set_clock_offset_secs(offset) {
        Ok(()) => Json(clock(&state)).into_response(),
        Err(message) => error(StatusCode::BAD_REQUEST, message),
    }
}

async fn get_routes(State(state): Shared) -> Response {
    let routes: Vec<Route> = state.routes().into_iter().map(|e| e.route).collect();
    Json(routes).into_response()
}

async fn post_route(State(state): Shared, body: Bytes) -> Response {
    match parse::<Route>(&body, "route") {
        Ok(route) if !route.path.starts_with('/') || route.api().is_empty() => error(
            StatusCode::BAD_REQUEST,
            format!("route path {:?} must start with /<api>/", route.path),
        ),
        Ok(route) => {
            state.register_route(route.clone(), None);
            (StatusCode::CREATED, Json(route)).into_response()
        }
        Err(response) => *response,
    }
}

async fn put_health(State(state): Shared, Path(api): Path<String>, body: Bytes) -> Response {
    let body: Value = match parse(&body, "health") {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let Some(status) = body.get("status").and_then(Value::as_str) else {
        return error(
            StatusCode::BAD_REQUEST,
            r#"expected {"status": "UP" | "DEGRADED" | "DOWN" | <custom>}"#.into(),
        );
    };
    state.set_health(&api, HealthStatus::parse(status));
    Json(json!({"api": api, "status": status})).into_response()
}

async fn get_endpoints(State(state): Shared) -> Response {
    Json(state.endpoints.clone()).into_response()
}

async fn get_contracts(State(state): Shared) -> Response {
    Json(state.served()).into_response()
}

/// `{"path": "<contract file, folder or zip>"}`: serves it, answers the `ServedApi`.
async fn post_contract(State(state): Shared, body: Bytes) -> Response {
    let body: Value = match parse(&body, "contract") {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let Some(path) = body.get("path").and_then(Value::as_str) else {
        return error(
            StatusCode::BAD_REQUEST,
            r#"expected {"path": "<openapi.yaml, its folder, or the contract zip>"}"#.into(),
        );
    };
    let path = std::path::PathBuf::from(path);
    let planned = tokio::task::spawn_blocking(move || crate::contract::plan(&path)).await;
    match planned {
        Ok(Ok(plan)) => {
            let api = crate::contract::install(&state, plan);
            (StatusCode::CREATED, Json(api)).into_response()
        }
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, e.to_string()),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}
