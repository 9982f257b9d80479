//! Request bodies: one per media type, the preferred (JSON) first, typed from their schema.

use serde_json::Value;

use super::super::naming::{pascal, snake};
use super::super::schema::TypeSpace;
use super::super::ty::Ty;
use super::{Body, BodyKind, PartEncoding};
use crate::diag::Diagnostic;
use crate::load::{Contract, Loc};

/// A media type without its parameters, lower case: `Application/JSON; charset=utf-8` →
/// `application/json`.
pub fn media_essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The method-name suffix for a media type: `form`, `multipart`, `octet_stream`, `xml`,
/// `text_plain`, `pdf`…
pub(super) fn media_suffix(media: &str) -> String {
    let m = media_essence(media);
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

pub(super) fn classify(media: &str) -> BodyKind {
    let m = media_essence(media);
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

pub(super) fn bodies(
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
