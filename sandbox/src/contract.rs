//! Serving an API contract: the generator's loader and IR (`bcss-codegen`) read the contract,
//! and each operation becomes a gateway route — required scopes from its `security`, the answer
//! from its `examples` (or synthesized from its schema), and an [`OperationSpec`] the gateway
//! validates requests against (see `validate.rs`).

use crate::SandboxError;
use crate::routes::{Route, RouteResponse};
use crate::state::{RouteEntry, SharedState};
use bcss_codegen::Contract;
use bcss_codegen::ir::{Api, BodyKind, Operation, ParamIn, ParamStyle, StatusMatch, Ty, TypeKind};
use bcss_codegen::load::Loc;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::path::Path;
use std::sync::Arc;

/// What [`crate::Sandbox::serve_contract`] registered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServedApi {
    /// The contract as given (file, folder or zip).
    pub contract: String,
    /// `info.title`.
    pub title: String,
    /// Where the routes live, from `servers[0].url` (`/socialStatus/v1`).
    pub base_path: String,
    /// The operations now served, in contract order.
    pub operations: Vec<ServedOperation>,
    /// Every scope an operation requires (sorted, no duplicates).
    pub scopes: Vec<String>,
    /// What the sandbox could not serve faithfully (no example, unsupported parameter...).
    pub warnings: Vec<String>,
}

/// One served operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServedOperation {
    /// `operationId`, or the name derived from method + path when the contract has none.
    pub operation_id: String,
    pub method: String,
    /// Full gateway path pattern, base path included (`/socialStatus/v1/persons/query`).
    pub path: String,
    /// Scopes the access token must carry.
    pub scopes: Vec<String>,
    /// `security: []`: no access token needed.
    pub public: bool,
    /// The status answered (the lowest documented 2xx).
    pub status: u16,
    /// Content type of the answer, if it has a body.
    pub content_type: Option<String>,
}

/// Where an operation takes its LegalContext.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LegalContextAt {
    Query(String),
    Header(String),
    Body(String),
}

/// A declared parameter, for validation.
#[derive(Clone, Debug)]
pub struct ParamSpec {
    pub name: String,
    pub required: bool,
    /// `deepObject`: sent as `name[key]=value`.
    pub deep_object: bool,
    /// An exploded `form` object: sent as its properties, never under its own name.
    pub exploded_object: bool,
}

/// A declared request body, for validation.
#[derive(Clone, Debug)]
pub struct BodySpec {
    pub required: bool,
    /// The contract's main media type is JSON (or merge-patch).
    pub json: bool,
    /// Other media types the contract accepts (sent as they are, not validated).
    pub other_media: Vec<String>,
    /// Top-level property names when the body is a closed object (`None`: anything goes).
    pub properties: Option<Vec<String>>,
    /// Required top-level properties.
    pub required_properties: Vec<String>,
}

/// What the gateway checks a request to a served operation against.
#[derive(Clone, Debug)]
pub struct OperationSpec {
    pub operation_id: String,
    pub public: bool,
    pub query: Vec<ParamSpec>,
    pub headers: Vec<ParamSpec>,
    pub body: Option<BodySpec>,
    pub legal_context: Option<(LegalContextAt, bool)>,
    /// An exploded `form` object parameter sends its properties as query parameters of their
    /// own: any query name is then accepted.
    pub open_query: bool,
    /// Every security alternative of the operation (the route requires the first; any one
    /// grants access).
    pub scope_alternatives: Vec<Vec<String>>,
    /// The same answer in the other media types the contract documents (chosen by `Accept`).
    pub alternatives: Vec<RouteResponse>,
}

/// A loaded contract, ready to be registered.
pub struct Plan {
    pub api: ServedApi,
    pub entries: Vec<RouteEntry>,
}

/// Loads `path` and turns every operation into a route. Touches no state.
pub fn plan(path: &Path) -> Result<Plan, SandboxError> {
    // The diagnostic names the file (and JSON pointer) at fault, and what to do.
    let failed = |d: bcss_codegen::Diagnostic| {
        let text = d.to_string();
        SandboxError::Contract {
            path: path.to_path_buf(),
            // Without the `error[code]: ` level prefix: the sandbox error says it is one.
            message: text
                .split_once(": ")
                .filter(|(level, _)| level.starts_with("error"))
                .map_or(text.as_str(), |(_, rest)| rest)
                .to_owned(),
        }
    };
    let contract = Contract::load(path).map_err(failed)?;
    let api = Api::from_contract(&contract).map_err(failed)?;
    let mut warnings: Vec<String> = api.types.warnings.iter().map(|d| d.to_string()).collect();
    if api.base_path.is_empty() {
        warnings.push(
            "the contract has no `servers` URL: its operations are served from the root, and the \
             first path segment is taken as the API name"
                .into(),
        );
    }
    let mut entries = Vec::new();
    let mut operations = Vec::new();
    let mut scopes: Vec<String> = Vec::new();
    for op in &api.operations {
        let full_path = format!("{}{}", api.base_path, op.path);
        let planned = plan_operation(&contract, &api, op, &api.base_path, &mut warnings);
        operations.push(ServedOperation {
            operation_id: planned.operation_id.clone(),
            method: op.method.clone(),
            path: full_path.clone(),
            scopes: op.scopes.clone(),
            public: op.public,
            status: planned.response.status,
            content_type: planned
                .response
                .body
                .as_ref()
                .map(|_| planned.response.content_type.clone()),
        });
        scopes.extend(op.scopes.iter().cloned());
        let Ok(method) = http::Method::from_bytes(op.method.as_bytes()) else {
            continue; // the IR only yields the seven standard methods
        };
        let scope_refs: Vec<&str> = op.scopes.iter().map(String::as_str).collect();
        entries.push(RouteEntry {
            route: Route::new(method, full_path, &scope_refs, planned.response),
            dynamic: None,
            contract: Some(Arc::new(planned.spec)),
        });
    }
    scopes.sort();
    scopes.dedup();
    Ok(Plan {
        api: ServedApi {
            contract: path.display().to_string(),
            title: api.title.clone(),
            base_path: api.base_path.clone(),
            operations,
            scopes,
            warnings,
        },
        entries,
    })
}

/// Registers a plan: its routes, and its scopes granted to the client registered at start
/// (so that the sandbox's own `bcss.toml` works against every contract it serves).
pub fn install(state: &SharedState, plan: Plan) -> ServedApi {
    for entry in plan.entries {
        state.register_entry(entry);
    }
    state.grant_scopes(&state.endpoints.client_id, &plan.api.scopes);
    state.add_served(plan.api.clone());
    plan.api
}

struct Planned {
    operation_id: String,
    response: RouteResponse,
    spec: OperationSpec,
}

fn plan_operation(
    c: &Contract,
    api: &Api,
    op: &Operation,
    base_path: &str,
    warnings: &mut Vec<String>,
) -> Planned {
    let operation_id = c
        .get(&op.loc.child("operationId"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| op.fn_name.clone());
    let mut warn = |message: String| warnings.push(format!("{operation_id}: {message}"));
    let mut legal_context = None;
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut open_query = false;
    for p in &op.params {
        let object = match &p.ty {
            Ty::Named(id) => matches!(
                api.types.defs[*id].kind,
                TypeKind::Struct { .. } | TypeKind::Alias(Ty::Map(_) | Ty::JsonObject)
            ),
            Ty::Map(_) | Ty::JsonObject => true,
            _ => false,
        };
        let exploded_object =
            p.location == ParamIn::Query && p.style == ParamStyle::Form && p.explode && object;
        open_query |= exploded_object;
        let spec = ParamSpec {
            name: p.name.clone(),
            required: p.required,
            deep_object: p.style == ParamStyle::DeepObject,
            exploded_object,
        };
        match p.location {
            ParamIn::Query => {
                if p.legal_context {
                    legal_context = Some((LegalContextAt::Query(p.name.clone()), p.required));
                }
                query.push(spec);
            }
            ParamIn::Header => {
                if p.legal_context {
                    legal_context = Some((LegalContextAt::Header(p.name.clone()), p.required));
                }
                headers.push(spec);
            }
            ParamIn::Path => {}
        }
    }
    let body = op.body().map(|b| {
        let json = matches!(b.kind, BodyKind::Json | BodyKind::MergePatch);
        let schema = c
            .resolve(&op.loc.child("requestBody"))
            .ok()
            .map(|(loc, _)| loc.child("content").child(&b.media_type).child("schema"))
            .filter(|loc| c.get(loc).is_some());
        let shape = schema
            .as_ref()
            .map(|loc| object_shape(c, loc))
            .unwrap_or_default();
        let closed = json && !shape.open && !shape.props.is_empty();
        if let Some(field) = &b.legal_context_field {
            let required = shape.required.contains(field);
            legal_context = Some((LegalContextAt::Body(field.clone()), required));
        }
        if !json {
            warn(format!(
                "request bodies of type {} are accepted without validation",
                b.media_type
            ));
        }
        BodySpec {
            required: b.required,
            json,
            other_media: op
                .bodies
                .iter()
                .skip(1)
                .map(|b| b.media_type.clone())
                .filter(|m| !is_json(m))
                .collect(),
            properties: closed.then(|| shape.props.iter().map(|(n, _)| n.clone()).collect()),
            required_properties: shape.required.clone(),
        }
    });
    let (response, alternatives) = success_response(c, op, base_path, &mut warn);
    Planned {
        operation_id: operation_id.clone(),
        response,
        spec: OperationSpec {
            operation_id,
            public: op.public,
            query,
            headers,
            body,
            legal_context,
            open_query,
            scope_alternatives: op.security.clone(),
            alternatives,
        },
    }
}

/// `application/json` and the `+json` types.
pub fn is_json(media: &str) -> bool {
    let m = bcss_codegen::ir::media_essence(media);
    m == "application/json" || m.ends_with("+json")
}

/// The answer of an operation: its lowest documented 2xx (else its first success status), in
/// its JSON media type when it has one, plus the other media types as alternatives.
fn success_response(
    c: &Contract,
    op: &Operation,
    base_path: &str,
    warn: &mut impl FnMut(String),
) -> (RouteResponse, Vec<RouteResponse>) {
    // The answer to send: the lowest documented 2xx (an exact status, else a `2XX` range or a
    // `default` success, answered as 200), else the first success documented.
    let answer = op
        .success
        .iter()
        .find(|a| a.matches.bounds().0 / 100 == 2)
        .or_else(|| op.success.first());
    let Some(answer) = answer else {
        warn("no success response documented; answering 200 without a body".into());
        return (RouteResponse::empty(200), Vec::new());
    };
    let status = answer.matches.typical();
    if answer.matches == StatusMatch::Default {
        warn("only `default` documents the answer; answering it as 200".into());
    }
    let responses = op.loc.child("responses");
    let Ok((loc, response)) = c.resolve(&responses.child(&answer.key)) else {
        warn(format!(
            "response {} cannot be resolved; answering {status} without a body",
            answer.key
        ));
        return (RouteResponse::empty(status), Vec::new());
    };
    let mut headers = Vec::new();
    let mut needs_location = false;
    if let Some(Value::Object(documented)) = response.get("headers") {
        for name in documented.keys() {
            if name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let example =
                c.resolve(&loc.child("headers").child(name))
                    .ok()
                    .and_then(|(hloc, h)| {
                        h.get("example").cloned().or_else(|| {
                            c.resolve(&hloc.child("schema"))
                                .ok()
                                .and_then(|(_, s)| s.get("example").cloned())
                        })
                    });
            match example {
                Some(value) => {
                    let text = match rewrite_urls(value, base_path) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    headers.push((name.clone(), text));
                }
                None if name.eq_ignore_ascii_case("location") => needs_location = true,
                None => {}
            }
        }
    }
    let content = match response.get("content") {
        Some(Value::Object(content)) if status != 204 && !content.is_empty() => content,
        _ => {
            let mut answer = RouteResponse::empty(status);
            answer.headers = headers;
            if needs_location {
                answer
                    .headers
                    .push(("Location".into(), "{request_url}".into()));
            }
            return (answer, Vec::new());
        }
    };
    let mut medias: Vec<&String> = content.keys().collect();
    // JSON first, as the generated clients prefer it; the rest keep their contract order.
    medias.sort_by_key(|m| !is_json(m));
    let mut answers = Vec::new();
    for media in medias {
        let media_loc = loc.child("content").child(media);
        let body = match media_example(c, &media_loc) {
            Some(example) => rewrite_urls(example, base_path),
            None if is_json(media) => {
                warn(format!(
                    "no example for {status} {media}; answering a body synthesized from the schema"
                ));
                synthesize(c, &media_loc.child("schema"), 0)
            }
            None => Value::String(sample_bytes(media).into()),
        };
        let body = match body {
            // Bodies of other media types are sent as text; a non-string example is sent as JSON text.
            Value::String(_) => body,
            other if !is_json(media) => Value::String(other.to_string()),
            other => other,
        };
        let mut answer = RouteResponse {
            status,
            headers: headers.clone(),
            body: Some(body),
            content_type: media.clone(),
        };
        if needs_location {
            let target = answer
                .body
                .as_ref()
                .and_then(|b| b.get("self"))
                .and_then(Value::as_str)
                .unwrap_or("{request_url}")
                .to_owned();
            answer.headers.push(("Location".into(), target));
        }
        answers.push(answer);
    }
    let mut answers = answers.into_iter();
    let first = answers
        .next()
        .unwrap_or_else(|| RouteResponse::empty(status));
    (first, answers.collect())
}

/// A few bytes standing in for a binary document.
fn sample_bytes(media: &str) -> &'static str {
    if media.eq_ignore_ascii_case("application/pdf") {
        "%PDF-1.4\n% bcss-sandbox sample document\n%%EOF\n"
    } else if media.to_ascii_lowercase().starts_with("text/") {
        "bcss-sandbox sample text\n"
    } else {
        "bcss-sandbox sample bytes"
    }
}

/// The media object's `example`, else the first of its `examples`, else its schema's `example`.
fn media_example(c: &Contract, media: &Loc) -> Option<Value> {
    let object = c.get(media)?;
    if let Some(example) = object.get("example") {
        return Some(example.clone());
    }
    if let Some(Value::Object(examples)) = object.get("examples")
        && let Some(first) = examples.keys().next()
        && let Ok((_, example)) = c.resolve(&media.child("examples").child(first))
        && let Some(value) = example.get("value")
    {
        return Some(value.clone());
    }
    let schema = media.child("schema");
    c.get(&schema)?;
    let (_, schema) = c.resolve(&schema).ok()?;
    schema.get("example").cloned()
}

/// Example links point at the real gateway (`https://api.ksz-bcss.fgov.be/<base path>/...`);
/// point them at the sandbox listener that answers instead (`{base_url}` placeholder).
fn rewrite_urls(value: Value, base_path: &str) -> Value {
    match value {
        Value::String(text) => Value::String(rewrite_url(text, base_path)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| rewrite_urls(v, base_path))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, rewrite_urls(v, base_path)))
                .collect(),
        ),
        other => other,
    }
}

fn rewrite_url(text: String, base_path: &str) -> String {
    if base_path.is_empty() || !(text.starts_with("https://") || text.starts_with("http://")) {
        return text;
    }
    let Ok(url) = url::Url::parse(&text) else {
        return text;
    };
    let path = url.path();
    if path != base_path && !path.starts_with(&format!("{base_path}/")) {
        return text;
    }
    let origin_len = text.find(path).unwrap_or(0);
    if origin_len == 0 {
        return text;
    }
    format!("{{base_url}}{}", &text[origin_len..])
}

/// The top-level properties of an object schema, `allOf` merged.
#[derive(Default)]
struct Shape {
    props: Vec<(String, Loc)>,
    required: Vec<String>,
    /// Other properties may appear (`additionalProperties`, `oneOf`/`anyOf`).
    open: bool,
}

fn object_shape(c: &Contract, loc: &Loc) -> Shape {
    let mut shape = Shape::default();
    collect_shape(c, loc, 0, &mut shape);
    shape
}

fn collect_shape(c: &Contract, loc: &Loc, depth: usize, shape: &mut Shape) {
    let Ok((loc, schema)) = c.resolve(loc) else {
        shape.open = true;
        return;
    };
    if depth > 16 {
        shape.open = true;
        return;
    }
    if let Some(Value::Object(props)) = schema.get("properties") {
        for name in props.keys() {
            if !shape.props.iter().any(|(n, _)| n == name) {
                shape
                    .props
                    .push((name.clone(), loc.child("properties").child(name)));
            }
        }
    }
    if let Some(Value::Array(required)) = schema.get("required") {
        for name in required.iter().filter_map(Value::as_str) {
            if !shape.required.iter().any(|n| n == name) {
                shape.required.push(name.to_owned());
            }
        }
    }
    if schema
        .get("additionalProperties")
        .is_some_and(|a| *a != Value::Bool(false))
        || schema.get("oneOf").is_some()
        || schema.get("anyOf").is_some()
    {
        shape.open = true;
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        for i in 0..parts.len() {
            collect_shape(
                c,
                &loc.child("allOf").child(&i.to_string()),
                depth + 1,
                shape,
            );
        }
    }
}

/// A minimal value of a schema: required properties only, type-appropriate placeholders.
fn synthesize(c: &Contract, loc: &Loc, depth: usize) -> Value {
    if depth > 8 || c.get(loc).is_none() {
        return Value::Null;
    }
    let Ok((loc, schema)) = c.resolve(loc) else {
        return Value::Null;
    };
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(Value::Array(values)) = schema.get("enum")
        && let Some(first) = values.first()
    {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(options)) = schema.get(key)
            && !options.is_empty()
        {
            return synthesize(c, &loc.child(key).child("0"), depth + 1);
        }
    }
    let ty = schema.get("type").and_then(Value::as_str);
    let number = |default: Value| schema.get("minimum").cloned().unwrap_or(default);
    match ty {
        Some("array") => match schema.get("items") {
            Some(_) => Value::Array(vec![synthesize(c, &loc.child("items"), depth + 1)]),
            None => json!([]),
        },
        Some("string") => json!(match schema.get("format").and_then(Value::as_str) {
            Some("date") => "2025-01-01",
            Some("date-time") => "2025-01-01T00:00:00Z",
            Some("uuid") => "00000000-0000-4000-8000-000000000000",
            Some("uri") | Some("url") => "https://example.invalid/",
            Some("email") => "someone@example.invalid",
            Some("byte") => "AA==",
            _ => "string",
        }),
        Some("integer") => number(json!(0)),
        Some("number") => number(json!(0)),
        Some("boolean") => json!(false),
        _ => {
            let shape = object_shape(c, &loc);
            let mut object = Map::new();
            for name in &shape.required {
                if let Some((_, prop)) = shape.props.iter().find(|(n, _)| n == name) {
                    object.insert(name.clone(), synthesize(c, prop, depth + 1));
                }
            }
            Value::Object(object)
        }
    }
}
