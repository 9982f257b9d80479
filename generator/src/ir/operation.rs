//! Operations: method, path, parameters, bodies, responses and scopes, with references resolved.

use serde_json::Value;

use super::naming::{Names, pascal, snake};
use super::schema::{TypeSpace, doc_of};
use super::ty::Ty;
use crate::diag::Diagnostic;
use crate::load::{Contract, Loc};

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamIn {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A header.
    Header,
}

/// One parameter.
#[derive(Clone, Debug)]
pub struct Param {
    /// Name on the wire.
    pub name: String,
    /// Rust name.
    pub rust: String,
    /// Where.
    pub location: ParamIn,
    /// Type (arrays are sent exploded: `?a=1&a=2`).
    pub ty: Ty,
    /// Required (path parameters always are).
    pub required: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// Named `legalContext` (any case): filled and checked from the partner annex.
    pub legal_context: bool,
}

/// How a request body is encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json` and `+json` types.
    Json,
    /// `application/merge-patch+json`.
    MergePatch,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Anything else: raw bytes with that media type.
    Bytes,
}

/// A request body.
#[derive(Clone, Debug)]
pub struct Body {
    /// The media type used (the first JSON one when several are offered).
    pub media_type: String,
    /// Encoding.
    pub kind: BodyKind,
    /// Type of the body (`Binary` for raw bytes).
    pub ty: Ty,
    /// Required.
    pub required: bool,
    /// Other media types the contract also accepts (documented, not generated).
    pub alternatives: Vec<String>,
    /// JSON name of a `legalContext` property of the body, when it has one.
    pub legal_context_field: Option<String>,
}

/// One documented answer.
#[derive(Clone, Debug)]
pub struct Answer {
    /// Status code (`None` for `default` and ranges).
    pub status: Option<u16>,
    /// Variant name (`Ok`, `Created`, `NotModified`…).
    pub name: String,
    /// Body type, if any (JSON) — `Binary` for raw bodies.
    pub ty: Option<Ty>,
    /// Documentation.
    pub doc: Option<String>,
}

/// One operation.
#[derive(Clone, Debug)]
pub struct Operation {
    /// Rust method name.
    pub fn_name: String,
    /// PascalCase base for the per-operation types.
    pub type_name: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path relative to the API base, with `{param}` placeholders.
    pub path: String,
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Parameters.
    pub params: Vec<Param>,
    /// Body.
    pub body: Option<Body>,
    /// Success answers (1xx–3xx), in status order.
    pub success: Vec<Answer>,
    /// Scopes the operation requires (union over its security alternatives' first entry).
    pub scopes: Vec<String>,
    /// `security: []`: no token needed.
    pub public: bool,
    /// Where it is defined.
    pub loc: Loc,
    /// Deprecated.
    pub deprecated: bool,
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

/// All operations of the contract, in path order then method order.
pub fn operations(c: &Contract, types: &mut TypeSpace) -> Result<Vec<Operation>, Diagnostic> {
    let root = c.root();
    let paths = root.child("paths");
    let Some(Value::Object(map)) = c.get(&paths) else {
        return Err(c
            .error(&root, "no `paths`")
            .hint("an OpenAPI 3.0 document must have `paths` (may be empty)"));
    };
    let global_security = c.get(&root.child("security")).cloned();
    let mut fn_names = Names::default();
    let mut type_names = Names::for_types();
    let mut out = Vec::new();
    let keys: Vec<String> = map.keys().cloned().collect();
    for path in keys {
        if !path.starts_with('/') {
            continue; // `x-` extensions
        }
        let (item_loc, item) = c.resolve(&paths.child(&path))?;
        for method in METHODS {
            if item.get(method).is_none() {
                continue;
            }
            let op_loc = item_loc.child(method);
            let op = c.get(&op_loc).unwrap_or(&Value::Null);
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| derived_id(method, &path));
            let fn_name = fn_names.claim(&snake(&id));
            let type_name = type_names.claim(&pascal(&id));
            let params = params(c, types, &item_loc, &op_loc, &type_name)?;
            let body = body(c, types, &op_loc, &type_name)?;
            let success = answers(c, types, &op_loc, &type_name)?;
            let security = op
                .get("security")
                .cloned()
                .or_else(|| global_security.clone());
            let (scopes, public) = scopes_of(security.as_ref());
            out.push(Operation {
                fn_name,
                type_name,
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: op
                    .get("summary")
                    .and_then(Value::as_str)
                    .map(|s| s.trim().to_owned()),
                description: op
                    .get("description")
                    .and_then(Value::as_str)
                    .map(|s| s.trim().to_owned()),
                params,
                body,
                success,
                scopes,
                public,
                deprecated: op
                    .get("deprecated")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                loc: op_loc,
            });
        }
    }
    Ok(out)
}

/// The schemas sent as `application/merge-patch+json` bodies (found before any type is built,
/// because their nullable fields are typed differently).
pub fn merge_patch_bodies(c: &Contract) -> Result<std::collections::BTreeSet<Loc>, Diagnostic> {
    let mut out = std::collections::BTreeSet::new();
    let paths = c.root().child("paths");
    let Some(Value::Object(map)) = c.get(&paths) else {
        return Ok(out);
    };
    for path in map.keys().filter(|p| p.starts_with('/')) {
        let (item, value) = c.resolve(&paths.child(path))?;
        for method in METHODS.iter().filter(|m| value.get(**m).is_some()) {
            let at = item.child(method).child("requestBody");
            if c.get(&at).is_none() {
                continue;
            }
            let (body, value) = c.resolve(&at)?;
            let Some(Value::Object(content)) = value.get("content") else {
                continue;
            };
            for media in content
                .keys()
                .filter(|m| classify(m) == BodyKind::MergePatch)
            {
                let schema = body.child("content").child(media).child("schema");
                if c.get(&schema).is_some() {
                    out.insert(c.resolve(&schema)?.0);
                }
            }
        }
    }
    Ok(out)
}

/// `GET /persons/{id}/history` → `getPersonsIdHistory`.
fn derived_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!("{method} {}", words.join(" "))
}

fn scopes_of(security: Option<&Value>) -> (Vec<String>, bool) {
    let Some(Value::Array(alternatives)) = security else {
        return (Vec::new(), false);
    };
    if alternatives.is_empty()
        || alternatives
            .iter()
            .any(|a| a.as_object().is_some_and(|o| o.is_empty()))
    {
        return (Vec::new(), true);
    }
    let mut scopes: Vec<String> = alternatives[0]
        .as_object()
        .into_iter()
        .flat_map(|o| o.values())
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    scopes.sort();
    scopes.dedup();
    (scopes, false)
}

fn params(
    c: &Contract,
    types: &mut TypeSpace,
    item: &Loc,
    op: &Loc,
    owner: &str,
) -> Result<Vec<Param>, Diagnostic> {
    let mut out: Vec<Param> = Vec::new();
    let mut names = Names::default();
    names.claim("client");
    for list in [item.child("parameters"), op.child("parameters")] {
        let Some(Value::Array(items)) = c.get(&list) else {
            continue;
        };
        for i in 0..items.len() {
            let (loc, p) = c.resolve(&list.child(&i.to_string()))?;
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| c.error(&loc, "parameter without `name`"))?
                .to_owned();
            let location = match p.get("in").and_then(Value::as_str) {
                Some("path") => ParamIn::Path,
                Some("query") => ParamIn::Query,
                Some("header") => ParamIn::Header,
                Some("cookie") => {
                    types.warnings.push(c.warning(
                        &loc,
                        "cookie-parameter",
                        format!("cookie parameter `{name}` is not supported and is left out"),
                    ));
                    continue;
                }
                other => {
                    return Err(c.error(
                        &loc.child("in"),
                        format!("parameter `{name}`: unknown location {other:?}"),
                    ));
                }
            };
            let schema = loc.child("schema");
            let ty = if c.get(&schema).is_some() {
                types.ty(c, &schema, &format!("{owner}{}", pascal(&name)))?
            } else {
                Ty::String
            };
            let required = location == ParamIn::Path
                || p.get("required").and_then(Value::as_bool).unwrap_or(false);
            let param = Param {
                rust: String::new(),
                legal_context: name.eq_ignore_ascii_case("legalcontext"),
                doc: doc_of(p),
                name,
                location,
                ty,
                required,
            };
            // An operation-level parameter replaces a path-level one of the same name and place.
            out.retain(|q| !(q.name == param.name && q.location == param.location));
            out.push(param);
        }
    }
    for p in &mut out {
        p.rust = names.claim(&snake(&p.name));
    }
    Ok(out)
}

fn classify(media: &str) -> BodyKind {
    let m = media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if m == "application/merge-patch+json" {
        BodyKind::MergePatch
    } else if m == "application/json" || m.ends_with("+json") {
        BodyKind::Json
    } else if m == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if m == "multipart/form-data" {
        BodyKind::Multipart
    } else {
        BodyKind::Bytes
    }
}

fn body(
    c: &Contract,
    types: &mut TypeSpace,
    op: &Loc,
    owner: &str,
) -> Result<Option<Body>, Diagnostic> {
    let at = op.child("requestBody");
    if c.get(&at).is_none() {
        return Ok(None);
    }
    let (loc, rb) = c.resolve(&at)?;
    let Some(Value::Object(content)) = rb.get("content") else {
        return Err(c.error(&loc, "request body without `content`"));
    };
    let medias: Vec<String> = content.keys().cloned().collect();
    let chosen = medias
        .iter()
        .find(|m| matches!(classify(m), BodyKind::Json | BodyKind::MergePatch))
        .or_else(|| medias.first())
        .cloned()
        .ok_or_else(|| c.error(&loc.child("content"), "no media type"))?;
    let kind = classify(&chosen);
    let schema = loc.child("content").child(&chosen).child("schema");
    let ty = match kind {
        BodyKind::Bytes => Ty::Binary,
        _ if c.get(&schema).is_none() => Ty::Json,
        _ => types.ty(c, &schema, &format!("{owner}Request"))?,
    };
    let legal_context_field = c
        .get(&schema)
        .and_then(|_| c.resolve(&schema).ok())
        .and_then(|(_, v)| v.get("properties").and_then(Value::as_object).cloned())
        .and_then(|props| {
            props
                .keys()
                .find(|k| k.eq_ignore_ascii_case("legalcontext"))
                .cloned()
        });
    Ok(Some(Body {
        alternatives: medias.iter().filter(|m| **m != chosen).cloned().collect(),
        media_type: chosen,
        kind,
        ty,
        required: rb.get("required").and_then(Value::as_bool).unwrap_or(false),
        legal_context_field,
    }))
}

fn status_name(status: u16) -> String {
    match status {
        200 => "Ok".into(),
        201 => "Created".into(),
        202 => "Accepted".into(),
        204 => "NoContent".into(),
        206 => "PartialContent".into(),
        301 => "MovedPermanently".into(),
        302 => "Found".into(),
        303 => "SeeOther".into(),
        304 => "NotModified".into(),
        307 => "TemporaryRedirect".into(),
        n => format!("Status{n}"),
    }
}

fn answers(
    c: &Contract,
    types: &mut TypeSpace,
    op: &Loc,
    owner: &str,
) -> Result<Vec<Answer>, Diagnostic> {
    let responses = op.child("responses");
    let Some(Value::Object(map)) = c.get(&responses) else {
        return Err(c.error(op, "operation without `responses`"));
    };
    let mut out = Vec::new();
    let mut codes: Vec<(u16, String)> = map
        .keys()
        .filter_map(|k| Some((k.parse::<u16>().ok()?, k.clone())))
        .filter(|(s, _)| *s < 400)
        .collect();
    codes.sort();
    for (status, key) in codes {
        let (loc, r) = c.resolve(&responses.child(&key))?;
        let ty = match r.get("content").and_then(Value::as_object) {
            None => None,
            Some(content) => {
                let media = content
                    .keys()
                    .find(|m| matches!(classify(m), BodyKind::Json | BodyKind::MergePatch))
                    .or_else(|| content.keys().next())
                    .cloned()
                    .unwrap_or_default();
                let schema = loc.child("content").child(&media).child("schema");
                Some(match classify(&media) {
                    BodyKind::Json | BodyKind::MergePatch if c.get(&schema).is_some() => {
                        types.ty(c, &schema, &format!("{owner}{}", status_name(status)))?
                    }
                    BodyKind::Json | BodyKind::MergePatch => Ty::Json,
                    _ => Ty::Binary,
                })
            }
        };
        out.push(Answer {
            status: Some(status),
            name: status_name(status),
            ty,
            doc: doc_of(r),
        });
    }
    Ok(out)
}
