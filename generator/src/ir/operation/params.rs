//! Parameters: location, type (from `schema`, or from the schema under `content`), style and
//! explode, default.

use serde_json::Value;

use super::super::naming::{Names, pascal, snake, unreserved};
use super::super::schema::{TypeSpace, doc_of};
use super::super::ty::Ty;
use super::{BodyKind, classify};
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

/// How a parameter is written (OpenAPI `style`; `bcss_runtime::params::ParamStyle` mirrors it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamStyle {
    /// `form` (query).
    Form,
    /// `spaceDelimited` (query).
    SpaceDelimited,
    /// `pipeDelimited` (query).
    PipeDelimited,
    /// `tabDelimited` (query; Swagger 2.0 `collectionFormat: tsv`).
    TabDelimited,
    /// `deepObject` (query).
    DeepObject,
    /// `simple` (path, header).
    Simple,
    /// `label` (path).
    Label,
    /// `matrix` (path).
    Matrix,
    /// Described by `content: application/json`: the JSON text of the value.
    Json,
}

impl ParamStyle {
    /// The variant name, as `bcss_runtime::params::ParamStyle` spells it.
    pub fn variant(self) -> &'static str {
        match self {
            Self::Form => "Form",
            Self::SpaceDelimited => "SpaceDelimited",
            Self::PipeDelimited => "PipeDelimited",
            Self::TabDelimited => "TabDelimited",
            Self::DeepObject => "DeepObject",
            Self::Simple => "Simple",
            Self::Label => "Label",
            Self::Matrix => "Matrix",
            Self::Json => "Json",
        }
    }
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
    /// Type.
    pub ty: Ty,
    /// Required (path parameters always are).
    pub required: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// Named `legalContext` (any case): filled and checked from the partner annex.
    pub legal_context: bool,
    /// How the value is written.
    pub style: ParamStyle,
    /// `explode` (default: true for `form`, false otherwise).
    pub explode: bool,
    /// The contract's `default`: what the server assumes when the parameter is absent
    /// (documented, never sent unasked).
    pub default: Option<Value>,
}

impl Param {
    /// Whether the style is what `query_param`/`path_param`/`header_param` write anyway.
    pub fn default_style(&self) -> bool {
        match self.location {
            ParamIn::Query => self.style == ParamStyle::Form && self.explode,
            ParamIn::Path | ParamIn::Header => self.style == ParamStyle::Simple && !self.explode,
        }
    }
}

/// Names taken in every builder and client method (fields, methods, arguments).
const TAKEN: &[&str] = &[
    "client",
    "body",
    "content_type",
    "form",
    "send",
    "pages",
    "checked",
    "legal_context",
    "request",
    "with_options",
];

pub(super) fn params(
    c: &Contract,
    types: &mut TypeSpace,
    item: &Loc,
    op: &Loc,
    owner: &str,
) -> Result<Vec<Param>, Diagnostic> {
    let mut out: Vec<Param> = Vec::new();
    for list in [item.child("parameters"), op.child("parameters")] {
        let Some(Value::Array(items)) = c.get(&list) else {
            continue;
        };
        for i in 0..items.len() {
            let (loc, p) = c.resolve(&list.child(&i.to_string()))?;
            let Some(param) = param(c, types, &loc, p, owner)? else {
                continue;
            };
            // An operation-level parameter replaces a path-level one of the same name and place.
            out.retain(|q| !(q.name == param.name && q.location == param.location));
            out.push(param);
        }
    }
    let mut names = Names::default();
    for taken in TAKEN {
        names.claim(taken);
    }
    for p in &mut out {
        // The LegalContext setter is `legal_context` itself.
        let wanted = snake(&p.name);
        p.rust = if p.legal_context && wanted == "legal_context" {
            wanted
        } else if TAKEN.contains(&wanted.as_str()) {
            names.claim(&format!("{wanted}_param"))
        } else {
            names.claim(&unreserved(&wanted, "param"))
        };
    }
    Ok(out)
}

fn param(
    c: &Contract,
    types: &mut TypeSpace,
    loc: &Loc,
    p: &Value,
    owner: &str,
) -> Result<Option<Param>, Diagnostic> {
    let name = p
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| c.error(loc, "parameter without `name`"))?
        .to_owned();
    let location = match p.get("in").and_then(Value::as_str) {
        Some("path") => ParamIn::Path,
        Some("query") => ParamIn::Query,
        Some("header") => ParamIn::Header,
        Some("cookie") => {
            types.warnings.push(c.warning(
                loc,
                "cookie-parameter",
                format!("cookie parameter `{name}` is not supported and is left out"),
            ));
            return Ok(None);
        }
        other => {
            return Err(c.error(
                &loc.child("in"),
                format!("parameter `{name}`: unknown location {other:?}"),
            ));
        }
    };
    let type_name = format!("{owner}{}", pascal(&name));
    let mut schema = loc.child("schema");
    let mut json_content = false;
    if c.get(&schema).is_none()
        && let Some(Value::Object(content)) = p.get("content")
        && let Some(media) = content.keys().next()
    {
        if content.len() > 1 {
            types.warnings.push(c.warning(
                &loc.child("content"),
                "parameter-content-media-types",
                format!(
                    "parameter `{name}` lists {} media types; the first, `{media}`, is used",
                    content.len()
                ),
            ));
        }
        json_content = matches!(classify(media), BodyKind::Json | BodyKind::MergePatch);
        if !json_content && !media.starts_with("text/") {
            types.warnings.push(c.warning(
                &loc.child("content").child(media),
                "parameter-content-type",
                format!("parameter `{name}` is described as `{media}`; its value is sent as text"),
            ));
        }
        schema = loc.child("content").child(media).child("schema");
    }
    let ty = if c.get(&schema).is_some() {
        types.ty(c, &schema, &type_name)?
    } else {
        Ty::String
    };
    let default = c
        .get(&schema)
        .and_then(|_| c.resolve(&schema).ok())
        .and_then(|(_, s)| s.get("default").cloned());
    let (style, explode) = if json_content {
        (ParamStyle::Json, false)
    } else {
        style_of(c, types, loc, p, location, &name)
    };
    Ok(Some(Param {
        rust: String::new(),
        legal_context: name.eq_ignore_ascii_case("legalcontext"),
        doc: doc_of(p),
        required: location == ParamIn::Path
            || p.get("required").and_then(Value::as_bool).unwrap_or(false),
        name,
        location,
        ty,
        style,
        explode,
        default,
    }))
}

/// `style` and `explode`; a style the location does not allow is a warning, and the
/// location's default is used.
fn style_of(
    c: &Contract,
    types: &mut TypeSpace,
    loc: &Loc,
    p: &Value,
    location: ParamIn,
    name: &str,
) -> (ParamStyle, bool) {
    let fallback = match location {
        ParamIn::Query => ParamStyle::Form,
        ParamIn::Path | ParamIn::Header => ParamStyle::Simple,
    };
    let style = match (location, p.get("style").and_then(Value::as_str)) {
        (_, None) => fallback,
        (ParamIn::Query, Some("form")) => ParamStyle::Form,
        (ParamIn::Query, Some("spaceDelimited")) => ParamStyle::SpaceDelimited,
        (ParamIn::Query, Some("pipeDelimited")) => ParamStyle::PipeDelimited,
        (ParamIn::Query, Some("tabDelimited")) => ParamStyle::TabDelimited,
        (ParamIn::Query, Some("deepObject")) => ParamStyle::DeepObject,
        (ParamIn::Path | ParamIn::Header, Some("simple")) => ParamStyle::Simple,
        (ParamIn::Path, Some("label")) => ParamStyle::Label,
        (ParamIn::Path, Some("matrix")) => ParamStyle::Matrix,
        (_, Some(other)) => {
            types.warnings.push(c.warning(
                &loc.child("style"),
                "unsupported-parameter-style",
                format!(
                    "parameter `{name}`: style `{other}` is not allowed in {location:?}; it is sent in the default style, `{}`",
                    if fallback == ParamStyle::Form { "form" } else { "simple" }
                ),
            ));
            fallback
        }
    };
    let explode = p
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(matches!(style, ParamStyle::Form | ParamStyle::DeepObject));
    (style, explode)
}
