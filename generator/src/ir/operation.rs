//! Operations: method, path, parameters, bodies, responses and scopes, with references resolved.

use serde_json::Value;

use super::naming::{CLIENT_METHODS, Names, pascal, snake, unreserved};
use super::schema::{TypeSpace, doc_of};
use super::ty::Ty;
use crate::diag::Diagnostic;
use crate::load::{Contract, Loc};

mod params;

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
    /// Status code (`None` for `default` and ranges).
    pub status: Option<u16>,
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

/// The method-name suffix for a media type: `form`, `multipart`, `octet_stream`, `xml`,
/// `text_plain`, `pdf`…
fn media_suffix(media: &str) -> String {
    let m = media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (top, sub) = m.split_once('/').unwrap_or((m.as_str(), ""));
    let suffix = match (top, sub) {
        ("application", "x-www-form-urlencoded") => "form".to_owned(),
        ("multipart", "form-data") => "multipart".to_owned(),
        ("application" | "text", "xml") => "xml".to_owned(),
        ("text", sub) => format!("text_{sub}"),
        ("*", _) => "any".to_owned(),
        (_, "*") => top.to_owned(),
        (_, sub) => sub.to_owned(),
    };
    snake(&suffix).trim_start_matches("r#").to_owned()
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

fn bodies(
    c: &Contract,
    types: &mut TypeSpace,
    op: &Loc,
    owner: &str,
) -> Result<Vec<Body>, Diagnostic> {
    let at = op.child("requestBody");
    if c.get(&at).is_none() {
        return Ok(Vec::new());
    }
    let (loc, rb) = c.resolve(&at)?;
    let Some(Value::Object(content)) = rb.get("content") else {
        return Err(c.error(&loc, "request body without `content`"));
    };
    let mut medias: Vec<String> = content.keys().cloned().collect();
    if medias.is_empty() {
        return Err(c.error(&loc.child("content"), "no media type"));
    }
    // The preferred media type (JSON first) keeps the operation's own method name.
    if let Some(i) = medias
        .iter()
        .position(|m| matches!(classify(m), BodyKind::Json | BodyKind::MergePatch))
    {
        let json = medias.remove(i);
        medias.insert(0, json);
    }
    let required = rb.get("required").and_then(Value::as_bool).unwrap_or(false);
    let mut out = Vec::new();
    for (i, media) in medias.into_iter().enumerate() {
        let kind = classify(&media);
        let media_loc = loc.child("content").child(&media);
        let schema = media_loc.child("schema");
        let resolved = c
            .get(&schema)
            .and_then(|_| c.resolve(&schema).ok())
            .map(|(_, v)| v.clone());
        let name = if i == 0 {
            format!("{owner}Request")
        } else {
            format!("{owner}{}Request", pascal(&media_suffix(&media)))
        };
        let has_properties = resolved
            .as_ref()
            .is_some_and(|v| v.get("properties").is_some());
        let ty = match kind {
            BodyKind::Bytes => Ty::Binary,
            // Multipart without an object schema: the caller assembles the parts.
            BodyKind::Multipart if !has_properties => Ty::Json,
            _ if resolved.is_none() => Ty::Json,
            _ => types.ty(c, &schema, &name)?,
        };
        let legal_context_field = resolved
            .as_ref()
            .and_then(|v| v.get("properties").and_then(Value::as_object))
            .and_then(|props| {
                props
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case("legalcontext"))
                    .cloned()
            })
            .filter(|_| kind != BodyKind::Bytes);
        let parts = if kind == BodyKind::Multipart && has_properties {
            parts(c, &schema, &media_loc)?
        } else {
            Vec::new()
        };
        out.push(Body {
            fn_name: String::new(),
            media_type: media,
            kind,
            ty,
            required,
            legal_context_field,
            parts,
        });
    }
    Ok(out)
}

/// The multipart properties that are files (`format: binary`, or arrays of them) or carry an
/// `encoding.contentType`.
fn parts(c: &Contract, schema: &Loc, media: &Loc) -> Result<Vec<PartEncoding>, Diagnostic> {
    let (schema, value) = c.resolve(schema)?;
    let Some(Value::Object(props)) = value.get("properties") else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = props.keys().cloned().collect();
    let mut out = Vec::new();
    for name in names {
        let (_, prop) = c.resolve(&schema.child("properties").child(&name))?;
        let items = match prop.get("items") {
            Some(_) => Some(
                c.resolve(&schema.child("properties").child(&name).child("items"))?
                    .1,
            ),
            None => None,
        };
        let is_binary = |v: &Value| {
            v.get("format").and_then(Value::as_str) == Some("binary")
                || v.get("contentMediaType").is_some()
        };
        let binary = is_binary(prop) || items.is_some_and(is_binary);
        let content_type = c
            .get(&media.child("encoding").child(&name).child("contentType"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        if binary || content_type.is_some() {
            out.push(PartEncoding {
                name,
                binary,
                content_type,
            });
        }
    }
    Ok(out)
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

/// `200` → exact; `2XX` → range; anything else (including `default`) → `None`.
fn status_key(key: &str) -> Option<StatusMatch> {
    if let Ok(status) = key.parse::<u16>() {
        return Some(StatusMatch::Exact(status));
    }
    match key.as_bytes() {
        [d @ b'1'..=b'5', x, y]
            if x.eq_ignore_ascii_case(&b'X') && y.eq_ignore_ascii_case(&b'X') =>
        {
            Some(StatusMatch::Range(u16::from(d - b'0')))
        }
        _ => None,
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
    let mut keyed: Vec<(StatusMatch, String)> = map
        .keys()
        .filter_map(|k| Some((status_key(k)?, k.clone())))
        .filter(|(m, _)| m.bounds().0 < 400)
        .collect();
    // Exact statuses first, then ranges: the match arms are tried in that order.
    keyed.sort_by_key(|(m, _)| (matches!(m, StatusMatch::Range(_)), m.bounds()));
    // `2XX` beside `2xx` would be the same arm twice.
    keyed.dedup_by_key(|(m, _)| *m);
    if keyed.is_empty() && map.contains_key("default") {
        // Nothing else documents success: `default` is the answer to any 2xx.
        keyed.push((StatusMatch::Default, "default".into()));
    }
    let mut out = Vec::new();
    for (matches, key) in keyed {
        let (loc, r) = c.resolve(&responses.child(&key))?;
        let name = match matches {
            StatusMatch::Exact(status) => status_name(status),
            StatusMatch::Range(r) => format!("Status{r}xx"),
            StatusMatch::Default => "Success".into(),
        };
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
                        types.ty(c, &schema, &format!("{owner}{name}"))?
                    }
                    BodyKind::Json | BodyKind::MergePatch => Ty::Json,
                    _ => Ty::Binary,
                })
            }
        };
        out.push(Answer {
            status: match matches {
                StatusMatch::Exact(s) => Some(s),
                _ => None,
            },
            matches,
            key,
            name,
            ty,
            doc: doc_of(r),
        });
    }
    Ok(out)
}
