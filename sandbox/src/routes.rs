//! What the gateway serves: scripted routes (method + path pattern + required scopes + canned
//! response), the health of each API, and the built-in `demo` API.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// One operation of an emulated API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Route {
    #[serde(with = "method_text")]
    pub method: http::Method,
    /// Pattern such as `/demo/v1/persons/{ssin}`: a segment in braces matches any one segment.
    /// The first segment is the API name.
    pub path: String,
    /// Every one of these must be in the access token.
    #[serde(default)]
    pub required_scopes: Vec<String>,
    pub response: RouteResponse,
}

/// The canned answer of a route.
///
/// String values in `body` and header values may carry placeholders, replaced per request:
/// `{name}` for the path segment matched by `{name}` in the route pattern,
/// `{request_url}` for the absolute URL that was called, and `{base_url}` for the origin of
/// the listener that answers (`https://127.0.0.1:port`). A JSON string that is exactly one
/// placeholder is replaced by the segment as a string.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteResponse {
    pub status: u16,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default = "default_content_type")]
    pub content_type: String,
}

fn default_content_type() -> String {
    "application/json".to_string()
}

impl RouteResponse {
    /// A JSON response.
    pub fn json(status: u16, body: Value) -> RouteResponse {
        RouteResponse {
            status,
            headers: Vec::new(),
            body: Some(body),
            content_type: default_content_type(),
        }
    }

    /// A response without a body (e.g. 204).
    pub fn empty(status: u16) -> RouteResponse {
        RouteResponse {
            status,
            headers: Vec::new(),
            body: None,
            content_type: default_content_type(),
        }
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> RouteResponse {
        self.headers.push((name.into(), value.into()));
        self
    }
}

impl Route {
    pub fn new(
        method: http::Method,
        path: impl Into<String>,
        scopes: &[&str],
        response: RouteResponse,
    ) -> Route {
        Route {
            method,
            path: path.into(),
            required_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            response,
        }
    }

    pub fn get(path: impl Into<String>, scopes: &[&str], response: RouteResponse) -> Route {
        Route::new(http::Method::GET, path, scopes, response)
    }

    pub fn post(path: impl Into<String>, scopes: &[&str], response: RouteResponse) -> Route {
        Route::new(http::Method::POST, path, scopes, response)
    }

    pub fn put(path: impl Into<String>, scopes: &[&str], response: RouteResponse) -> Route {
        Route::new(http::Method::PUT, path, scopes, response)
    }

    pub fn delete(path: impl Into<String>, scopes: &[&str], response: RouteResponse) -> Route {
        Route::new(http::Method::DELETE, path, scopes, response)
    }

    /// The API a route belongs to: its first path segment.
    pub fn api(&self) -> &str {
        api_of(&self.path)
    }

    /// The path parameters if `path` (without query) matches this route's pattern.
    pub fn match_path(&self, path: &str) -> Option<Vec<(String, String)>> {
        let pattern: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
        if pattern.len() != actual.len() {
            return None;
        }
        let mut params = Vec::new();
        for (p, a) in pattern.iter().zip(&actual) {
            if let Some(name) = p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                if a.is_empty() {
                    return None;
                }
                params.push((name.to_string(), a.to_string()));
            } else if p != a {
                return None;
            }
        }
        Some(params)
    }
}

/// The first segment of a path: the API name.
pub fn api_of(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// Replaces placeholders (see [`RouteResponse`]) in every string of `value`.
pub fn fill_placeholders(value: &Value, vars: &[(String, String)]) -> Value {
    match value {
        Value::String(s) => Value::String(fill_text(s, vars)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| fill_placeholders(v, vars)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill_placeholders(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

pub fn fill_text(text: &str, vars: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (name, value) in vars {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// What `GET /{api}/health` answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HealthStatus {
    Up,
    Degraded,
    Down,
    Custom(String),
}

impl HealthStatus {
    pub fn as_str(&self) -> &str {
        match self {
            HealthStatus::Up => "UP",
            HealthStatus::Degraded => "DEGRADED",
            HealthStatus::Down => "DOWN",
            HealthStatus::Custom(s) => s,
        }
    }

    /// Belgif `hlth-res`: 503 for DOWN, 200 for everything else.
    pub fn http_status(&self) -> u16 {
        if *self == HealthStatus::Down {
            503
        } else {
            200
        }
    }

    pub fn parse(text: &str) -> HealthStatus {
        match text {
            "UP" => HealthStatus::Up,
            "DEGRADED" => HealthStatus::Degraded,
            "DOWN" => HealthStatus::Down,
            other => HealthStatus::Custom(other.to_string()),
        }
    }
}

/// Answers computed from the request rather than canned (only the demo query needs one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dynamic {
    /// `POST /demo/v1/persons/query`: echoes the `ssin` field(s) of the body as items.
    DemoPersonsQuery,
}

impl Dynamic {
    pub fn respond(self, request_body: &[u8], request_url: &str) -> (u16, Value) {
        match self {
            Dynamic::DemoPersonsQuery => {
                let body: Value = match serde_json::from_slice(request_body) {
                    Ok(v) => v,
                    Err(_) => return (400, Value::Null),
                };
                let ssins: Vec<Value> = match body.get("ssin") {
                    Some(Value::Array(items)) => items.clone(),
                    Some(one @ Value::String(_)) => vec![one.clone()],
                    _ => Vec::new(),
                };
                let base = request_url.trim_end_matches("/query");
                let items: Vec<Value> = ssins
                    .iter()
                    .map(|ssin| {
                        let href = format!("{base}/{}", ssin.as_str().unwrap_or_default());
                        json!({"ssin": ssin, "name": {"fr": "Jean", "nl": "Jan"}, "href": href})
                    })
                    .collect();
                (200, json!({"items": items, "total": ssins.len()}))
            }
        }
    }
}

/// The built-in `demo` API, registered at start so the CLI quick start has something to call.
pub fn demo_routes() -> Vec<(Route, Option<Dynamic>)> {
    const CONSULT: &str = "scope:cbss:api:demo:consult";
    const UPDATE: &str = "scope:cbss:api:demo:update";
    let person = json!({
        "ssin": "{ssin}",
        "name": {"fr": "Jean", "nl": "Jan"},
        "self": "{request_url}",
    });
    vec![
        (
            Route::get(
                "/demo/v1/persons/{ssin}",
                &[CONSULT],
                RouteResponse::json(200, person),
            ),
            None,
        ),
        (
            Route::post(
                "/demo/v1/persons/query",
                &[CONSULT],
                RouteResponse::empty(200),
            ),
            Some(Dynamic::DemoPersonsQuery),
        ),
        (
            Route::put(
                "/demo/v1/persons/{ssin}/address",
                &[UPDATE],
                RouteResponse::empty(204),
            ),
            None,
        ),
    ]
}

/// http::Method has no serde support; (de)serialize it as its text.
mod method_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(method: &http::Method, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(method.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<http::Method, D::Error> {
        let text = String::deserialize(d)?;
        http::Method::from_bytes(text.to_ascii_uppercase().as_bytes())
            .map_err(|_| serde::de::Error::custom(format!("invalid HTTP method {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_match_exactly_one_non_empty_segment() {
        let route = Route::get("/demo/v1/persons/{ssin}", &[], RouteResponse::empty(200));
        assert_eq!(
            route.match_path("/demo/v1/persons/123"),
            Some(vec![("ssin".to_string(), "123".to_string())])
        );
        assert_eq!(route.match_path("/demo/v1/persons"), None);
        assert_eq!(route.match_path("/demo/v1/persons/1/x"), None);
        assert_eq!(route.api(), "demo");
    }
}
