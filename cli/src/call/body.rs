//! A JSON body checked against the contract's schema, as the generator's IR types it: JSON
//! types, required and nullable properties, enum values, patterns and lengths, formats (date,
//! date-time, UUID), SSIN check digits; unions pass when one alternative does. What it finds is
//! listed with the JSON path of each place, so the partner fixes the body before it is sent.

use bcss_codegen::ir::{Api, RuntimeType, Ty, TypeKind};
use serde_json::Value;

/// At most this many issues are listed: the first ones are enough to fix the body.
const MAX_ISSUES: usize = 10;

/// The issues of `value` against `ty`, each starting with its path from `root` (`merge_patch`:
/// a JSON Merge Patch, where every property is optional and `null` removes one).
pub fn issues(value: &Value, ty: &Ty, api: &Api, merge_patch: bool, root: &str) -> Vec<String> {
    let mut found = Vec::new();
    Checker { api, merge_patch }.check(value, ty, root, &mut found);
    found.truncate(MAX_ISSUES);
    found
}

struct Checker<'a> {
    api: &'a Api,
    merge_patch: bool,
}

impl Checker<'_> {
    fn check(&self, value: &Value, ty: &Ty, at: &str, out: &mut Vec<String>) {
        let mut expect = |ok: bool, what: &str| {
            if !ok {
                out.push(format!("{at}: {what} expected, found {}", kind(value)));
            }
        };
        match ty {
            Ty::String | Ty::Decimal | Ty::Base64 | Ty::Binary => {
                expect(value.is_string(), "a string")
            }
            Ty::Bool => expect(value.is_boolean(), "true or false"),
            Ty::I32 | Ty::I64 => expect(value.is_i64() || value.is_u64(), "an integer"),
            Ty::F64 => expect(value.is_number(), "a number"),
            Ty::Json => {}
            Ty::JsonObject => expect(value.is_object(), "an object"),
            Ty::Date | Ty::DateTime | Ty::Uuid => self.format(value, ty, at, out),
            Ty::Vec(item) => match value.as_array() {
                Some(items) => {
                    for (i, v) in items.iter().enumerate() {
                        self.check(v, item, &format!("{at}[{i}]"), out);
                    }
                }
                None => expect(false, "an array"),
            },
            Ty::Map(item) => match value.as_object() {
                Some(map) => {
                    for (k, v) in map {
                        self.check(v, item, &format!("{at}.{k}"), out);
                    }
                }
                None => expect(false, "an object"),
            },
            Ty::Nullable(inner) => {
                if !value.is_null() {
                    self.check(value, inner, at, out);
                }
            }
            Ty::Runtime(RuntimeType::Ssin) => {
                if serde_json::from_value::<bcss_runtime::types::Ssin>(value.clone()).is_err() {
                    out.push(format!(
                        "{at}: {} is not a valid SSIN (11 digits whose check digits match)",
                        value
                    ));
                }
            }
            Ty::Runtime(_) => expect(value.is_object() || value.is_string(), "a value"),
            Ty::Named(id) => self.named(value, &self.api.types.defs[*id].kind, at, out),
        }
    }

    fn format(&self, value: &Value, ty: &Ty, at: &str, out: &mut Vec<String>) {
        use bcss_runtime::exports::{chrono, uuid};
        let Some(text) = value.as_str() else {
            out.push(format!("{at}: a string expected, found {}", kind(value)));
            return;
        };
        let (ok, what) = match ty {
            Ty::Date => (
                chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
                "a date (YYYY-MM-DD)",
            ),
            Ty::DateTime => (
                chrono::DateTime::parse_from_rfc3339(text).is_ok(),
                "an RFC 3339 date-time",
            ),
            _ => (uuid::Uuid::parse_str(text).is_ok(), "a UUID"),
        };
        if !ok {
            out.push(format!("{at}: `{text}` is not {what}"));
        }
    }

    fn named(&self, value: &Value, kind_: &TypeKind, at: &str, out: &mut Vec<String>) {
        match kind_ {
            TypeKind::Struct { fields, .. } => {
                let Some(object) = value.as_object() else {
                    out.push(format!("{at}: an object expected, found {}", kind(value)));
                    return;
                };
                for field in fields {
                    let place = format!("{at}.{}", field.json);
                    match object.get(&field.json) {
                        None if field.required && !self.merge_patch => {
                            out.push(format!("{place}: required, missing"));
                        }
                        None => {}
                        Some(Value::Null) if field.nullable || self.merge_patch => {}
                        Some(v) => self.check(v, &field.ty, &place, out),
                    }
                }
            }
            TypeKind::Enum { variants } => {
                let known = variants.iter().any(|v| value.as_str() == Some(&v.value));
                if !known {
                    let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
                    out.push(format!("{at}: {value} is not one of {}", values.join(", ")));
                }
            }
            TypeKind::Union { variants, .. } => {
                let fits = variants.iter().any(|v| {
                    let mut trial = Vec::new();
                    self.check(value, &v.ty, at, &mut trial);
                    trial.is_empty()
                });
                if !fits {
                    out.push(format!("{at}: fits none of the contract's alternatives"));
                }
            }
            TypeKind::Consts { base, .. } => self.check(value, base, at, out),
            TypeKind::Newtype {
                base,
                pattern,
                min_length,
                max_length,
            } => {
                let before = out.len();
                self.check(value, base, at, out);
                if out.len() > before {
                    return;
                }
                let len = |n: &Option<u64>| n.map(|n| n as usize);
                let text = value.as_str().unwrap_or_default();
                if let Err(e) = bcss_runtime::params::check_string(
                    text,
                    pattern.as_deref(),
                    len(min_length),
                    len(max_length),
                ) {
                    out.push(format!("{at}: {e}"));
                }
            }
            TypeKind::Alias(inner) => self.check(value, inner, at, out),
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
