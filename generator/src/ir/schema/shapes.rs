//! What a schema looks like: which values its `enum` lists, whether it needs a named type,
//! whether a `default` fits the type, and the shapes a Rust type cannot express (warnings).

use serde_json::{Number, Value};

use super::{TypeSpace, str_of};
use crate::diag::Diagnostic;
use crate::ir::naming::{Names, pascal, snake};
use crate::ir::ty::{EnumVariant, Ty, TypeKind, UnionVariant};
use crate::load::{Contract, Loc};

/// The values of an `enum`, `null` left out (it makes the property nullable).
pub(super) enum EnumValues<'a> {
    /// No `enum`, or only `null`.
    None,
    /// Strings of a `string` (or untyped) schema.
    Strings(Vec<&'a str>),
    /// Numbers of an `integer`/`number` (or untyped) schema.
    Numbers(Vec<Number>),
    /// Anything else (booleans, mixed types, values not of the schema's type).
    Untyped,
}

pub(super) fn enum_values(v: &Value) -> EnumValues<'_> {
    let Some(values) = v.get("enum").and_then(Value::as_array) else {
        return EnumValues::None;
    };
    let values: Vec<&Value> = values.iter().filter(|x| !x.is_null()).collect();
    if values.is_empty() {
        return EnumValues::None;
    }
    let ty = str_of(v, "type");
    if matches!(ty, None | Some("string")) && values.iter().all(|x| x.is_string()) {
        return EnumValues::Strings(values.iter().filter_map(|x| x.as_str()).collect());
    }
    let integers = values.iter().all(|x| x.is_i64());
    let numbers = values.iter().all(|x| x.is_number());
    match ty {
        Some("integer") if integers => {}
        None | Some("number") if numbers => {}
        _ => return EnumValues::Untyped,
    }
    EnumValues::Numbers(
        values
            .iter()
            .filter_map(|x| match x {
                Value::Number(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// Whether `null` is one of the `enum` values.
pub(super) fn enum_has_null(v: &Value) -> bool {
    v.get("enum")
        .and_then(Value::as_array)
        .is_some_and(|e| e.iter().any(Value::is_null))
}

/// A boolean keyword, at the place that uses a schema, on the only part of an `allOf`/`oneOf`/
/// `anyOf` wrapping a reference there, or on the schema itself.
pub(super) fn flag(here: &Value, schema: &Value, key: &str) -> bool {
    let wrapped = ["allOf", "oneOf", "anyOf"].iter().find_map(|k| {
        match here.get(*k).and_then(Value::as_array).map(Vec::as_slice) {
            Some([only]) => Some(only),
            _ => None,
        }
    });
    [Some(here), wrapped, Some(schema)]
        .into_iter()
        .flatten()
        .any(|v| v.get(key).and_then(Value::as_bool).unwrap_or(false))
}

/// Whether a schema becomes a named Rust type rather than a plain one.
pub(super) fn needs_def(v: &Value) -> bool {
    let constrained = ["pattern", "minLength", "maxLength"]
        .iter()
        .any(|k| v.get(*k).is_some());
    // Formats that are text to the client keep their constraints in a validating newtype; typed
    // formats keep their type (see `constraint-not-checked`); `number` is checked on its text.
    let checkable = !matches!(
        str_of(v, "format"),
        Some("date" | "date-time" | "uuid" | "byte" | "binary")
    );
    v.get("properties").is_some()
        || v.get("allOf").is_some()
        || v.get("oneOf").is_some()
        || v.get("anyOf").is_some()
        || matches!(
            enum_values(v),
            EnumValues::Strings(_) | EnumValues::Numbers(_)
        )
        || (str_of(v, "type") == Some("string") && constrained && checkable)
}

pub(super) fn schema_type<'a>(
    c: &Contract,
    loc: &Loc,
    v: &'a Value,
) -> Result<Option<&'a str>, Diagnostic> {
    match v.get("type") {
        None => Ok(None),
        Some(Value::String(t)) => match t.as_str() {
            "string" | "integer" | "number" | "boolean" | "array" | "object" => {
                Ok(Some(t.as_str()))
            }
            other => Err(c
                .error(&loc.child("type"), format!("unknown type `{other}`"))
                .code("unknown-type")
                .hint("OpenAPI 3.0 types are string, integer, number, boolean, array and object")),
        },
        Some(Value::Array(_)) => Err(c
            .error(
                &loc.child("type"),
                "a list of types is OpenAPI 3.1, not 3.0",
            )
            .hint("use one type and `nullable: true`")),
        Some(_) => Err(c.error(&loc.child("type"), "`type` must be a string")),
    }
}

/// The warnings for keywords of the schema at `loc` that no Rust type expresses.
pub(super) fn unsupported_keywords(c: &Contract, loc: &Loc, v: &Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if v.get("not").is_some() {
        out.push(
            c.warning(
                &loc.child("not"),
                "not-ignored",
                "`not` is not checked by the client: values it excludes are accepted",
            )
            .hint("the server still checks it"),
        );
    }
    // One union per schema: a `oneOf` and an `anyOf` side by side cannot both be generated.
    if v.get("oneOf").is_some() && v.get("anyOf").is_some() {
        let (kept, left) = if any_of_objects(c, loc, v) {
            ("anyOf", "oneOf")
        } else {
            ("oneOf", "anyOf")
        };
        out.push(
            c.warning(
                &loc.child(left),
                "one-of-beside-any-of",
                format!("a `oneOf` and an `anyOf` side by side: the client generates the `{kept}` only; values are not checked against the `{left}`"),
            )
            .hint("wrap them as two parts of an `allOf` if both must hold"),
        );
    }
    out
}

/// Whether the schema is an `anyOf` of several objects without a discriminator.
pub(super) fn any_of_objects(c: &Contract, loc: &Loc, v: &Value) -> bool {
    let Some(alts) = v.get("anyOf").and_then(Value::as_array) else {
        return false;
    };
    v.get("discriminator").is_none()
        && alts.len() > 1
        && (0..alts.len()).all(|i| {
            c.resolve(&loc.child("anyOf").child(&i.to_string()))
                .is_ok_and(|(_, v)| v.get("properties").is_some() || v.get("allOf").is_some())
        })
}

/// Whether every alternative of a `oneOf`/`anyOf` only lists `required` properties.
pub(super) fn only_required(alternatives: &Value) -> bool {
    alternatives.as_array().is_some_and(|alts| {
        !alts.is_empty()
            && alts.iter().all(|a| {
                a.as_object().is_some_and(|m| {
                    m.contains_key("required")
                        && m.keys()
                            .all(|k| matches!(k.as_str(), "required" | "description" | "title"))
                })
            })
    })
}

/// In an untagged union, the first pair `(earlier, later)` where every value of `later` is
/// decoded as `earlier` (alternatives are tried in order).
pub(super) fn shadowed_alternative(
    types: &TypeSpace,
    variants: &[UnionVariant],
) -> Option<(usize, usize)> {
    let takes_any_object = |ty: &Ty| match ty {
        Ty::Json | Ty::JsonObject => true,
        Ty::Named(id) => matches!(
            &types.defs[*id].kind,
            TypeKind::Struct { fields, flattened, .. }
                if flattened.is_empty() && fields.iter().all(|f| !f.required)
        ),
        _ => false,
    };
    let is_object = |ty: &Ty| {
        matches!(ty, Ty::Json | Ty::JsonObject | Ty::Map(_))
            || matches!(ty, Ty::Named(id) if matches!(types.defs[*id].kind, TypeKind::Struct { .. }))
    };
    let is_text = |ty: &Ty| {
        matches!(
            ty,
            Ty::String | Ty::Date | Ty::DateTime | Ty::Uuid | Ty::Decimal | Ty::Base64
        ) || matches!(ty, Ty::Named(id) if matches!(types.defs[*id].kind, TypeKind::Enum { .. } | TypeKind::Newtype { .. }))
    };
    for (i, a) in variants.iter().enumerate() {
        for (j, b) in variants.iter().enumerate().skip(i + 1) {
            let shadows = a.ty == b.ty
                || a.ty == Ty::Json
                || (takes_any_object(&a.ty) && is_object(&b.ty))
                || (a.ty == Ty::String && is_text(&b.ty));
            if shadows {
                return Some((i, j));
            }
        }
    }
    None
}

impl TypeSpace {
    /// Warns about keywords no Rust type expresses.
    pub(super) fn check_keywords(&mut self, c: &Contract, loc: &Loc, v: &Value) {
        for w in unsupported_keywords(c, loc, v) {
            self.warn(w);
        }
    }

    /// Whether the JSON `value` is a value of `ty` (a `default` the client can apply).
    pub(super) fn fits(&self, ty: &Ty, value: &Value, depth: usize) -> bool {
        let text = value.as_str();
        match ty {
            Ty::String | Ty::Base64 | Ty::Binary => text.is_some(),
            // The date, then `T`: the rest is left to the decoder.
            Ty::DateTime => text.is_some_and(|t| {
                t.get(..10)
                    .is_some_and(|d| self.fits(&Ty::Date, &Value::from(d), depth))
                    && matches!(t.as_bytes().get(10), Some(b'T' | b't'))
            }),
            Ty::Bool => value.is_boolean(),
            Ty::I32 => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            Ty::I64 => value.is_i64(),
            Ty::F64 => value.is_number(),
            Ty::Date => text.is_some_and(|t| {
                t.len() == 10
                    && t.bytes().enumerate().all(|(i, b)| {
                        if i == 4 || i == 7 {
                            b == b'-'
                        } else {
                            b.is_ascii_digit()
                        }
                    })
            }),
            Ty::Uuid => text.is_some_and(|t| {
                t.len() == 36
                    && t.bytes().enumerate().all(|(i, b)| {
                        if [8, 13, 18, 23].contains(&i) {
                            b == b'-'
                        } else {
                            b.is_ascii_hexdigit()
                        }
                    })
            }),
            Ty::Decimal => text.is_some_and(is_decimal),
            Ty::Json => true,
            Ty::JsonObject => value.is_object(),
            Ty::Vec(t) => value
                .as_array()
                .is_some_and(|a| a.iter().all(|x| self.fits(t, x, depth + 1))),
            Ty::Map(t) => value
                .as_object()
                .is_some_and(|m| m.values().all(|x| self.fits(t, x, depth + 1))),
            Ty::Nullable(t) => value.is_null() || self.fits(t, value, depth + 1),
            Ty::Runtime(crate::ir::RuntimeType::Ssin) => text.is_some(),
            Ty::Runtime(_) => value.is_object(),
            Ty::Named(_) if depth > 16 => false,
            Ty::Named(id) => match &self.defs[*id].kind {
                TypeKind::Struct { .. } => value.is_object(),
                TypeKind::Enum { variants } => {
                    text.is_some_and(|t| variants.iter().any(|v| v.value == t))
                }
                TypeKind::Consts { base, .. } => self.fits(base, value, depth + 1),
                // The pattern is not checked here (no regex engine in the generator).
                TypeKind::Newtype {
                    base,
                    min_length,
                    max_length,
                    ..
                } => {
                    let len = text.map_or(0, |t| t.chars().count() as u64);
                    self.fits(base, value, depth + 1)
                        && min_length.is_none_or(|m| len >= m)
                        && max_length.is_none_or(|m| len <= m)
                }
                TypeKind::Union { .. } => true,
                TypeKind::Alias(t) => self.fits(t, value, depth + 1),
            },
        }
    }
}

/// The syntax `bcss_runtime::types::Decimal` accepts.
fn is_decimal(t: &str) -> bool {
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn enum_kind(values: &[&str]) -> TypeKind {
    let mut names = Names::default();
    names.claim("Unknown");
    let variants = values
        .iter()
        .map(|v| EnumVariant {
            name: names.claim(&pascal(v)),
            value: (*v).to_owned(),
        })
        .collect();
    TypeKind::Enum { variants }
}

/// Named constants of an integer or number `enum`: `x-enum-varnames` when the contract gives
/// them (a common extension), else derived from the value (`VALUE_3`, `VALUE_MINUS_1`, `VALUE_2_5`).
pub(super) fn consts_kind(base: Ty, values: &[serde_json::Number], v: &Value) -> TypeKind {
    let given: Vec<&str> = ["x-enum-varnames", "x-enumNames"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_array))
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut names = Names::default();
    let values = values
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let wanted = match given.get(i) {
                Some(g) if given.len() == values.len() => snake(g)
                    .trim_start_matches("r#")
                    .trim_matches('_')
                    .to_uppercase(),
                _ => format!("value_{n}")
                    .replace('-', "minus_")
                    .replace(['.', '+'], "_")
                    .to_uppercase(),
            };
            let wanted = if wanted.is_empty() || wanted.starts_with(|ch: char| ch.is_ascii_digit())
            {
                format!("VALUE_{wanted}")
            } else {
                wanted
            };
            (names.claim(&wanted), n.clone())
        })
        .collect();
    TypeKind::Consts { base, values }
}
