//! Operations: method, path, parameters, bodies, responses and scopes, with references resolved.

use serde_json::Value;

use super::naming::{CLIENT_METHODS, Names, pascal, snake, unreserved};
use super::schema::TypeSpace;
use super::ty::Ty;
use crate::diag::Diagnostic;
use crate::load::{Contract, Loc};

mod answers;
mod bodies;
mod params;

use answers::answers;
pub use bodies::media_essence;
use bodies::{bodies, classify, media_suffix};
pub use params::{Param, ParamIn, ParamStyle};

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

/// A request body in one media type.
#[derive(Clone, Debug)]
pub struct Body {
    /// The client method sending it: the operation's own name for the preferred media type
    /// (JSON first), `<operation>_<suffix>` for each other one (`_form`, `_multipart`…).
    pub fn_name: String,
    /// The media type.
    pub media_type: String,
    /// Encoding.
    pub kind: BodyKind,
    /// Type of the body (`Binary` for raw bytes).
    pub ty: Ty,
    /// Required.
    pub required: bool,
    /// JSON name of a `legalContext` property of the body, when it has one.
    pub legal_context_field: Option<String>,
    /// Multipart: the properties that need more than the default part (binary ones, and those
    /// with an `encoding.contentType`).
    pub parts: Vec<PartEncoding>,
}

/// How one property of a multipart body is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartEncoding {
    /// Property name.
    pub name: String,
    /// `format: binary` (a file part).
    pub binary: bool,
    /// `encoding.<name>.contentType`.
    pub content_type: Option<String>,
}

/// Which statuses an answer covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusMatch {
    /// One status (`200`).
    Exact(u16),
    /// A range (`2XX`: 2).
    Range(u16),
    /// `default`, as the success answer of an operation that documents no other one: any 2xx.
    Default,
}

impl Answer {
    /// The exact status code (`None` for `default` and ranges).
    pub fn status(&self) -> Option<u16> {
        match self.matches {
            StatusMatch::Exact(s) => Some(s),
            _ => None,
        }
    }
}

impl StatusMatch {
    /// The statuses covered, as `(first, last)`.
    pub fn bounds(self) -> (u16, u16) {
        match self {
            Self::Exact(s) => (s, s),
            Self::Range(r) => (r * 100, r * 100 + 99),
            Self::Default => (200, 299),
        }
    }

    /// The status a server would most likely send (`200` for `2XX` and `default`).
    pub fn typical(self) -> u16 {
        match self {
            Self::Exact(s) => s,
            Self::Range(r) => r * 100,
            Self::Default => 200,
        }
    }
}

/// One documented answer.
#[derive(Clone, Debug)]
pub struct Answer {
    /// Statuses covered.
    pub matches: StatusMatch,
    /// The key under `responses` (`200`, `2XX`, `default`).
    pub key: String,
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
    /// The contract's `operationId` (or one derived from the method and path when it has none).
    pub id: String,
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
    /// Request bodies, one per media type, the preferred one (JSON first) first.
    pub bodies: Vec<Body>,
    /// Success answers (1xx–3xx), exact statuses in order, then ranges, then `default`.
    pub success: Vec<Answer>,
    /// Scopes the operation is called with: one of its security alternatives (the first, or
    /// the one the partner annex grants).
    pub scopes: Vec<String>,
    /// Every security alternative, each as its sorted scopes (OAuth 2 scopes of all its
    /// schemes together), in contract order.
    pub security: Vec<Vec<String>>,
    /// `security: []`: no token needed.
    pub public: bool,
    /// Where it is defined.
    pub loc: Loc,
    /// Deprecated.
    pub deprecated: bool,
}

impl Operation {
    /// The preferred request body (the one the operation's own method sends).
    pub fn body(&self) -> Option<&Body> {
        self.bodies.first()
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

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
    for taken in CLIENT_METHODS {
        fn_names.claim(taken);
    }
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
            let wanted = snake(&id);
            let fn_name = if CLIENT_METHODS.contains(&wanted.as_str()) {
                fn_names.claim(&format!("{wanted}_operation"))
            } else {
                fn_names.claim(&unreserved(&wanted, "operation"))
            };
            let type_name = type_names.claim(&pascal(&id));
            let params = params::params(c, types, &item_loc, &op_loc, &type_name)?;
            let bodies = bodies(c, types, &op_loc, &type_name)?;
            let success = answers(c, types, &op_loc, &type_name)?;
            let security = op
                .get("security")
                .cloned()
                .or_else(|| global_security.clone());
            let (security, public) = security_of(security.as_ref());
            out.push(Operation {
                id,
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
                bodies,
                success,
                scopes: security.first().cloned().unwrap_or_default(),
                security,
                public,
                deprecated: op
                    .get("deprecated")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                loc: op_loc,
            });
        }
    }
    // The other media types' methods are named once every operation has its own name, so that
    // an operation's name never depends on another's media types.
    for op in &mut out {
        let base = op.fn_name.clone();
        for body in op.bodies.iter_mut().skip(1) {
            body.fn_name = fn_names.claim(&format!("{base}_{}", media_suffix(&body.media_type)));
        }
        if let Some(first) = op.bodies.first_mut() {
            first.fn_name = base;
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

/// The security alternatives (each its sorted scopes) and whether no token is needed (`[]`,
/// or an empty alternative `{}`).
fn security_of(security: Option<&Value>) -> (Vec<Vec<String>>, bool) {
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
    let mut out: Vec<Vec<String>> = Vec::new();
    for alternative in alternatives {
        let mut scopes: Vec<String> = alternative
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
        if !out.contains(&scopes) {
            out.push(scopes);
        }
    }
    (out, false)
}
