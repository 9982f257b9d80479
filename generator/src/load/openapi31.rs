//! OpenAPI 3.1 (JSON Schema 2020-12) → the OpenAPI 3.0 form the IR reads, in place.
//!
//! Most 3.1 contracts are 3.0 in all but the version line. The differences that matter for a
//! client are rewritten to their 3.0 spelling (`type: [X, "null"]` → `type: X, nullable: true`,
//! `const` → a one-value `enum`, numeric `exclusiveMinimum` → `minimum` + `true`…); keywords with
//! no 3.0 equivalent that change the type are reported, never silently dropped. Documents
//! labelled 3.0 that use these 3.1 spellings are normalised the same way, with a warning.

use serde_json::{Map, Value, json};

use super::origin::Origin;
use crate::diag::escape_token;

/// Warnings as (pointer, code, message).
pub type Warnings = Vec<(String, &'static str, String)>;

/// Schema keywords of JSON Schema 2020-12 that change what a value may be and that the IR does
/// not read: reported where they appear.
const UNSUPPORTED: [&str; 8] = [
    "if",
    "prefixItems",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "patternProperties",
    "$dynamicRef",
    "$recursiveRef",
];

/// Normalises the schemas of one document. `is31`: the document is OpenAPI 3.1 (its 3.1
/// keywords are normal, not worth a warning).
pub fn normalise(doc: &mut Value, is31: bool, origin: &mut Origin, warnings: &mut Warnings) {
    let mut n = Normaliser {
        is31,
        origin,
        warnings,
    };
    let looks_like_openapi = ["openapi", "swagger", "paths", "components", "webhooks"]
        .iter()
        .any(|k| doc.get(*k).is_some());
    if looks_like_openapi {
        n.document(doc, "");
    } else if is_schema_like(doc) {
        n.schema(doc, "");
    } else if let Value::Object(map) = doc {
        // A file of bare schemas, referenced as `file.yaml#/Name`.
        for (k, v) in map.iter_mut() {
            n.schema(v, &format!("/{}", escape_token(k)));
        }
    }
}

fn is_schema_like(v: &Value) -> bool {
    [
        "type",
        "properties",
        "allOf",
        "oneOf",
        "anyOf",
        "$ref",
        "enum",
        "items",
        "$defs",
        "definitions",
    ]
    .iter()
    .any(|k| v.get(*k).is_some())
}

struct Normaliser<'a> {
    is31: bool,
    origin: &'a mut Origin,
    warnings: &'a mut Warnings,
}

/// Whether an alternative of `anyOf`/`oneOf` only admits `null`.
fn is_null_schema(v: &Value) -> bool {
    let Value::Object(map) = v else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
        _ => false,
    };
    let null_enum =
        map.get("enum") == Some(&json!([null])) || map.get("const") == Some(&Value::Null);
    (null_type || null_enum)
        && map.keys().all(|k| {
            matches!(
                k.as_str(),
                "type" | "enum" | "const" | "description" | "title"
            )
        })
}

impl Normaliser<'_> {
    fn warn(&mut self, pointer: &str, code: &'static str, message: String) {
        self.warnings.push((pointer.to_owned(), code, message));
    }

    /// A 3.1 spelling in a document that says it is 3.0: accepted, with a warning.
    fn three_one_ism(&mut self, pointer: &str, what: &str) {
        if !self.is31 {
            self.warn(
                pointer,
                "openapi-3.1-keyword-in-3.0",
                format!("{what} is OpenAPI 3.1, but the document says 3.0: read as in 3.1"),
            );
        }
    }

    /// Walks the non-schema parts of a document to its schemas.
    fn document(&mut self, v: &mut Value, at: &str) {
        match v {
            Value::Object(map) => {
                let is_components = at == "/components";
                for (k, child) in map.iter_mut() {
                    let child_at = format!("{at}/{}", escape_token(k));
                    match k.as_str() {
                        "example" | "examples" | "default" | "enum" | "const" => {}
                        _ if k.starts_with("x-") => {}
                        "schema" => self.schema(child, &child_at),
                        "schemas" if is_components => {
                            if let Value::Object(schemas) = child {
                                for (name, s) in schemas.iter_mut() {
                                    self.schema(s, &format!("{child_at}/{}", escape_token(name)));
                                }
                            }
                        }
                        _ => self.document(child, &child_at),
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    self.document(child, &format!("{at}/{i}"));
                }
            }
            _ => {}
        }
    }

    fn schema(&mut self, v: &mut Value, at: &str) {
        let Value::Object(map) = v else {
            return;
        };
        for key in ["anyOf", "oneOf"] {
            self.null_alternatives(map, key, at);
        }
        if self.is31 {
            self.ref_with_constraints(map, at);
        }
        for key in [
            "properties",
            "patternProperties",
            "$defs",
            "definitions",
            "dependentSchemas",
        ] {
            if let Some(Value::Object(children)) = map.get_mut(key) {
                for (name, s) in children.iter_mut() {
                    self.schema(s, &format!("{at}/{key}/{}", escape_token(name)));
                }
            }
        }
        for key in [
            "items",
            "additionalProperties",
            "not",
            "if",
            "then",
            "else",
            "contains",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
        ] {
            match map.get_mut(key) {
                Some(s @ Value::Object(_)) => self.schema(s, &format!("{at}/{key}")),
                Some(Value::Array(list)) if key == "items" => {
                    for (i, s) in list.iter_mut().enumerate() {
                        self.schema(s, &format!("{at}/items/{i}"));
                    }
                }
                _ => {}
            }
        }
        for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
            if let Some(Value::Array(list)) = map.get_mut(key) {
                for (i, s) in list.iter_mut().enumerate() {
                    self.schema(s, &format!("{at}/{key}/{i}"));
                }
            }
        }
        self.type_list(map, at);
        self.constant(map, at);
        // `null` among the values of an enum means the schema is nullable (3.1, and 3.0.3's own
        // reading of `nullable` + `enum`): the IR reads `nullable` and the other values.
        if let Some(Value::Array(values)) = map.get_mut("enum")
            && values.iter().any(Value::is_null)
        {
            values.retain(|v| !v.is_null());
            if values.is_empty() {
                map.remove("enum");
            }
            map.insert("nullable".into(), json!(true));
        }
        if let Some(Value::Array(examples)) = map.get("examples") {
            let first = examples.first().cloned();
            map.remove("examples");
            if let Some(first) = first
                && !map.contains_key("example")
            {
                map.insert("example".into(), first);
            }
        }
        self.exclusive_bounds(map, at);
        self.content_keywords(map);
        for key in UNSUPPORTED {
            let Some(value) = map.get(key) else {
                continue;
            };
            // `unevaluatedProperties: false` only forbids extra properties; the type is the same.
            if value == &Value::Bool(false) {
                continue;
            }
            self.warn(
                &format!("{at}/{}", escape_token(key)),
                "unsupported-keyword",
                format!("`{key}` (JSON Schema 2020-12) is not supported: the generated type does not express it"),
            );
        }
    }

    /// In 3.1 the keywords beside a `$ref` apply too (3.0 ignores them): constraints there
    /// (`properties`, `required`…) become `allOf: [{$ref}, {constraints}]`, which the IR merges;
    /// annotations (`description`…) stay where they are.
    fn ref_with_constraints(&mut self, map: &mut Map<String, Value>, at: &str) {
        const ANNOTATIONS: [&str; 13] = [
            "$ref",
            "description",
            "title",
            "deprecated",
            "readOnly",
            "writeOnly",
            "example",
            "examples",
            "default",
            "nullable",
            "$comment",
            "externalDocs",
            "xml",
        ];
        if !map.contains_key("$ref") || map.contains_key("allOf") {
            return;
        }
        let constraints: Vec<String> = map
            .keys()
            .filter(|k| !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"))
            .cloned()
            .collect();
        if constraints.is_empty() {
            return;
        }
        let mut extra = Map::new();
        for k in constraints {
            if let Some(v) = map.remove(&k) {
                let token = escape_token(&k);
                self.origin
                    .add(format!("{at}/allOf/1/{token}"), format!("{at}/{token}"));
                extra.insert(k, v);
            }
        }
        let reference = map.remove("$ref").unwrap_or(Value::Null);
        self.origin
            .add(format!("{at}/allOf/0/$ref"), format!("{at}/$ref"));
        map.insert("allOf".into(), json!([{"$ref": reference}, extra]));
    }

    /// `type: [X, "null"]` → `type: X, nullable: true`; `type: "null"` → nullable, no type;
    /// several types → no type (any JSON value), with a warning.
    fn type_list(&mut self, map: &mut Map<String, Value>, at: &str) {
        let type_at = format!("{at}/type");
        match map.get("type") {
            Some(Value::Array(types)) => {
                let types = types.clone();
                self.three_one_ism(&type_at, "a list of types");
                let has_null = types.iter().any(|t| t == "null");
                let others: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                match others.as_slice() {
                    [] => {
                        map.remove("type");
                    }
                    [one] => {
                        map.insert("type".into(), (*one).clone());
                    }
                    several => {
                        let list: Vec<String> = several.iter().map(|t| t.to_string()).collect();
                        map.remove("type");
                        self.warn(
                            &type_at,
                            "type-list",
                            format!(
                                "a value of several types ({}) is read as any JSON value",
                                list.join(", ")
                            ),
                        );
                    }
                }
                if has_null {
                    map.insert("nullable".into(), json!(true));
                }
            }
            Some(Value::String(t)) if t == "null" => {
                self.three_one_ism(&type_at, "`type: \"null\"`");
                map.remove("type");
                map.insert("nullable".into(), json!(true));
            }
            _ => {}
        }
    }

    /// `const: v` → `enum: [v]` (`const: null` → nullable).
    fn constant(&mut self, map: &mut Map<String, Value>, at: &str) {
        let Some(value) = map.remove("const") else {
            return;
        };
        self.three_one_ism(&format!("{at}/const"), "`const`");
        if value.is_null() {
            map.insert("nullable".into(), json!(true));
        } else if !map.contains_key("enum") {
            map.insert("enum".into(), json!([value]));
        }
    }

    /// Numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true` (and the maximum).
    fn exclusive_bounds(&mut self, map: &mut Map<String, Value>, at: &str) {
        for (bound, exclusive, stricter) in [
            ("minimum", "exclusiveMinimum", 1.0),
            ("maximum", "exclusiveMaximum", -1.0),
        ] {
            let Some(Value::Number(n)) = map.get(exclusive).cloned() else {
                continue;
            };
            self.three_one_ism(
                &format!("{at}/{exclusive}"),
                &format!("a numeric `{exclusive}`"),
            );
            let existing = map.get(bound).and_then(Value::as_f64);
            let candidate = n.as_f64().unwrap_or_default();
            match existing {
                // The inclusive bound is already stricter than the exclusive one.
                Some(b) if (b - candidate) * stricter > 0.0 => {
                    map.remove(exclusive);
                }
                _ => {
                    map.insert(bound.into(), Value::Number(n));
                    map.insert(exclusive.into(), json!(true));
                }
            }
        }
    }

    /// `contentEncoding: base64` → `format: byte`; a non-JSON `contentMediaType` on a string →
    /// `format: binary` (3.1's spelling of a file).
    fn content_keywords(&mut self, map: &mut Map<String, Value>) {
        let is_string = map.get("type").is_none_or(|t| t == "string");
        if !is_string || map.contains_key("format") {
            return;
        }
        let encoding = map.get("contentEncoding").and_then(Value::as_str);
        let media = map.get("contentMediaType").and_then(Value::as_str);
        let format = match (encoding, media) {
            (Some(e), _) if e.eq_ignore_ascii_case("base64") => "byte",
            (None, Some(m)) if !is_json(m) => "binary",
            _ => return,
        };
        map.insert("type".into(), json!("string"));
        map.insert("format".into(), json!(format));
    }

    /// `anyOf`/`oneOf` with a `null` alternative: that alternative goes, the schema becomes
    /// nullable; one alternative left is the schema itself.
    fn null_alternatives(&mut self, map: &mut Map<String, Value>, key: &str, at: &str) {
        let Some(Value::Array(alts)) = map.get(key) else {
            return;
        };
        if !alts.iter().any(is_null_schema) {
            return;
        }
        let remaining: Vec<(usize, Value)> = alts
            .iter()
            .enumerate()
            .filter(|(_, a)| !is_null_schema(a))
            .map(|(i, a)| (i, a.clone()))
            .collect();
        self.three_one_ism(&format!("{at}/{key}"), "a `null` alternative");
        map.insert("nullable".into(), json!(true));
        match remaining.as_slice() {
            [] => {
                map.remove(key);
            }
            [(i, Value::Object(alt))] => {
                map.remove(key);
                for (k, v) in alt {
                    if !map.contains_key(k) {
                        map.insert(k.clone(), v.clone());
                        let k = escape_token(k);
                        self.origin
                            .add(format!("{at}/{k}"), format!("{at}/{key}/{i}/{k}"));
                    }
                }
            }
            _ => {
                for (j, (i, _)) in remaining.iter().enumerate() {
                    if i != &j {
                        self.origin
                            .add(format!("{at}/{key}/{j}"), format!("{at}/{key}/{i}"));
                    }
                }
                let list = remaining.into_iter().map(|(_, a)| a).collect();
                map.insert(key.into(), Value::Array(list));
            }
        }
    }
}

fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json")
}
