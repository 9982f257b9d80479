//! Swagger 2.0 schemas → OpenAPI 3.0 schemas: nearly the same language; the differences are a
//! few keywords, and non-body parameters, headers and `items`, which carry their type inline.

use serde_json::{Map, Value, json};

/// Warnings as (original pointer, code, message).
type Warnings = Vec<(String, &'static str, String)>;

/// The keywords a parameter, header or `items` object shares with a schema.
const TYPE_KEYWORDS: [&str; 15] = [
    "type",
    "format",
    "enum",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
];

/// A schema (of `definitions`, a body, a response): `x-nullable` → `nullable`, a discriminator
/// property name → a discriminator object, `type: file` → binary string.
pub fn convert_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        let converted = match k.as_str() {
            "x-nullable" => {
                out.insert("nullable".into(), v.clone());
                continue;
            }
            "discriminator" => match v {
                Value::String(p) => json!({"propertyName": p}),
                other => other.clone(),
            },
            "type" if v == "file" => {
                out.insert("format".into(), json!("binary"));
                json!("string")
            }
            "properties" | "patternProperties" => Value::Object(
                v.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, s)| (name.clone(), convert_schema(s)))
                    .collect(),
            ),
            "items" | "additionalProperties" | "not" if v.is_object() => convert_schema(v),
            "allOf" | "oneOf" | "anyOf" => Value::Array(
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(convert_schema)
                    .collect(),
            ),
            "x-example" if !map.contains_key("example") => {
                out.insert("example".into(), v.clone());
                continue;
            }
            _ => v.clone(),
        };
        out.insert(k.clone(), converted);
    }
    if out.get("type") == Some(&json!("string")) && map.get("type") == Some(&json!("file")) {
        out.insert("format".into(), json!("binary"));
    }
    Value::Object(out)
}

/// The schema of a non-body parameter, a response header or an `items` object, whose type
/// keywords sit beside its other fields.
pub fn schema_of_param(p: &Value, at: &str, warnings: &mut Warnings) -> Value {
    let mut out = Map::new();
    for k in TYPE_KEYWORDS {
        if let Some(v) = p.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    if out.get("type") == Some(&json!("file")) {
        out.insert("type".into(), json!("string"));
        out.insert("format".into(), json!("binary"));
    }
    if let Some(items) = p.get("items") {
        let items_at = format!("{at}/items");
        let converted = if items.get("$ref").is_some() {
            items.clone()
        } else {
            if items.get("collectionFormat").is_some() {
                warnings.push((
                    format!("{items_at}/collectionFormat"),
                    "nested-collection-format",
                    "a `collectionFormat` of nested arrays has no OpenAPI 3 equivalent: the inner arrays are sent as JSON values".into(),
                ));
            }
            schema_of_param(items, &items_at, warnings)
        };
        out.insert("items".into(), converted);
    }
    if p.get("x-nullable") == Some(&Value::Bool(true)) {
        out.insert("nullable".into(), json!(true));
    }
    if p.get("type").and_then(Value::as_str) == Some("array") && !out.contains_key("items") {
        out.insert("items".into(), json!({}));
    }
    Value::Object(out)
}
