//! Swagger 2.0 → OpenAPI 3.0, the parts of an operation: parameters, request bodies (`in: body`,
//! `in: formData`), responses; and security schemes.

use serde_json::{Map, Value, json};

use super::swagger2::{Converter, Resolved, medias, obj};
use super::swagger2_schema::{convert_schema, schema_of_param};
use crate::diag::{Diagnostic, escape_token};

impl Converter<'_> {
    /// A non-body parameter: its type keywords move under `schema`, `collectionFormat` becomes
    /// `style`/`explode`.
    pub(super) fn parameter(&mut self, p: &Value, at: &str, converted_at: &str) -> Value {
        if p.get("$ref").is_some() {
            return p.clone();
        }
        let location = p.get("in").and_then(Value::as_str).unwrap_or("");
        let mut out = Map::new();
        for k in [
            "name",
            "in",
            "description",
            "required",
            "deprecated",
            "allowEmptyValue",
        ] {
            if let Some(v) = p.get(k) {
                out.insert(k.into(), v.clone());
            }
        }
        for (k, v) in obj(p).filter(|(k, _)| k.starts_with("x-") && *k != "x-example") {
            out.insert(k.clone(), v.clone());
        }
        if location == "path" {
            out.insert("required".into(), json!(true));
        }
        if let Some(example) = p.get("x-example") {
            out.insert("example".into(), example.clone());
        }
        let schema = schema_of_param(p, at, &mut self.warnings);
        self.origin.add(format!("{converted_at}/schema"), at);
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            let (style, explode) = self.collection_style(p, at, location);
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(explode));
        }
        out.insert("schema".into(), schema);
        Value::Object(out)
    }

    /// `collectionFormat` (default `csv`) → OpenAPI 3 `style` and `explode` at `location`.
    fn collection_style(&mut self, p: &Value, at: &str, location: &str) -> (&'static str, bool) {
        let format = p
            .get("collectionFormat")
            .and_then(Value::as_str)
            .unwrap_or("csv");
        match (format, location) {
            ("csv", "query" | "formData") => ("form", false),
            ("csv", _) => ("simple", false),
            ("ssv", _) => ("spaceDelimited", false),
            ("pipes", _) => ("pipeDelimited", false),
            ("tsv", _) => {
                self.warn(
                    &format!("{at}/collectionFormat"),
                    "tsv-collection-format",
                    "`collectionFormat: tsv` has no OpenAPI 3 equivalent: sent tab-separated (`style: tabDelimited`)",
                );
                ("tabDelimited", false)
            }
            ("multi", _) => ("form", true),
            (other, _) => {
                self.warn(
                    &format!("{at}/collectionFormat"),
                    "unknown-collection-format",
                    format!("unknown `collectionFormat: {other}`: sent as comma-separated values"),
                );
                ("form", false)
            }
        }
    }

    /// An `in: body` parameter → a request body with one content entry per `consumes` type.
    pub(super) fn body(
        &mut self,
        p: &Value,
        at: &str,
        converted_at: &str,
        consumes: &Option<Vec<String>>,
    ) -> Value {
        let schema = match p.get("schema") {
            Some(s) => convert_schema(s),
            None => json!({}),
        };
        let mut content = Map::new();
        for media in medias(consumes) {
            let media_at = format!("{converted_at}/content/{}", escape_token(&media));
            self.origin
                .add(format!("{media_at}/schema"), format!("{at}/schema"));
            content.insert(media, json!({"schema": schema}));
        }
        let mut out = Map::new();
        if let Some(d) = p.get("description") {
            out.insert("description".into(), d.clone());
        }
        out.insert("content".into(), Value::Object(content));
        if let Some(r) = p.get("required") {
            out.insert("required".into(), r.clone());
        }
        Value::Object(out)
    }

    /// `in: formData` parameters → one object schema, urlencoded or multipart per `consumes`.
    pub(super) fn form_body(
        &mut self,
        form: &[&Resolved],
        at: &str,
        consumes: &Option<Vec<String>>,
    ) -> Value {
        let has_file = form
            .iter()
            .any(|p| p.value.get("type").and_then(Value::as_str) == Some("file"));
        let listed = consumes.clone().unwrap_or_default();
        let mut kinds: Vec<String> = listed
            .into_iter()
            .filter(|m| {
                let m = m
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                m == "multipart/form-data"
                    || (m == "application/x-www-form-urlencoded" && !has_file)
            })
            .collect();
        if kinds.is_empty() {
            kinds.push(
                if has_file {
                    "multipart/form-data"
                } else {
                    "application/x-www-form-urlencoded"
                }
                .into(),
            );
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        for p in form {
            let name = p.name().to_owned();
            let mut schema = schema_of_param(&p.value, &p.at, &mut self.warnings);
            if let (Some(d), Value::Object(m)) = (p.value.get("description"), &mut schema) {
                m.insert("description".into(), d.clone());
            }
            if p.value.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(json!(name));
            }
            for media in &kinds {
                self.origin.add(
                    format!(
                        "{at}/content/{}/schema/properties/{}",
                        escape_token(media),
                        escape_token(&name)
                    ),
                    &p.at,
                );
            }
            properties.insert(name, schema);
        }
        let mut schema = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        let mut content = Map::new();
        // How array fields of a urlencoded form are sent (`collectionFormat`, default csv).
        let mut encoding = Map::new();
        for p in form {
            if p.value.get("type").and_then(Value::as_str) == Some("array") {
                let (style, explode) = self.collection_style(&p.value, &p.at, "formData");
                encoding.insert(
                    p.name().to_owned(),
                    json!({"style": style, "explode": explode}),
                );
            }
        }
        for media in kinds {
            let mut entry = json!({"schema": schema});
            if media.starts_with("application/x-www-form-urlencoded") && !encoding.is_empty() {
                entry["encoding"] = Value::Object(encoding.clone());
            }
            content.insert(media, entry);
        }
        let any_required = form
            .iter()
            .any(|p| p.value.get("required").and_then(Value::as_bool) == Some(true));
        let mut out = json!({"content": content});
        if any_required {
            out["required"] = json!(true);
        }
        out
    }

    /// A response: `schema` → `content` per `produces` type, `headers` typed by `schema`,
    /// `examples` per media type → that content's `example`.
    pub(super) fn response(
        &mut self,
        r: &Value,
        at: &str,
        converted_at: &str,
        produces: &Option<Vec<String>>,
    ) -> Value {
        if r.get("$ref").is_some() {
            return r.clone();
        }
        let mut out = Map::new();
        out.insert(
            "description".into(),
            r.get("description").cloned().unwrap_or_else(|| json!("")),
        );
        for (k, v) in obj(r).filter(|(k, _)| k.starts_with("x-")) {
            out.insert(k.clone(), v.clone());
        }
        if let Some(headers) = r.get("headers").and_then(Value::as_object) {
            let mut converted = Map::new();
            for (name, h) in headers {
                let h_at = format!("{at}/headers/{}", escape_token(name));
                let mut header = Map::new();
                if let Some(d) = h.get("description") {
                    header.insert("description".into(), d.clone());
                }
                header.insert(
                    "schema".into(),
                    schema_of_param(h, &h_at, &mut self.warnings),
                );
                self.origin.add(
                    format!("{converted_at}/headers/{}/schema", escape_token(name)),
                    h_at,
                );
                converted.insert(name.clone(), Value::Object(header));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        if let Some(schema) = r.get("schema") {
            let schema = convert_schema(schema);
            let examples = r.get("examples").and_then(Value::as_object);
            let mut content = Map::new();
            for media in medias(produces) {
                let media_at = format!("{converted_at}/content/{}", escape_token(&media));
                self.origin
                    .add(format!("{media_at}/schema"), format!("{at}/schema"));
                let mut entry = json!({"schema": schema});
                if let Some(example) = examples.and_then(|e| e.get(&media)) {
                    entry["example"] = example.clone();
                    self.origin.add(
                        format!("{media_at}/example"),
                        format!("{at}/examples/{}", escape_token(&media)),
                    );
                }
                content.insert(media, entry);
            }
            out.insert("content".into(), Value::Object(content));
        }
        Value::Object(out)
    }

    pub(super) fn security_scheme(&mut self, d: &Value, at: &str) -> Result<Value, Diagnostic> {
        let mut out = Map::new();
        if let Some(desc) = d.get("description") {
            out.insert("description".into(), desc.clone());
        }
        match d.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            Some("apiKey") => {
                out.insert("type".into(), json!("apiKey"));
                for k in ["name", "in"] {
                    if let Some(v) = d.get(k) {
                        out.insert(k.into(), v.clone());
                    }
                }
            }
            Some("oauth2") => {
                let (flow, keys): (&str, &[&str]) = match d.get("flow").and_then(Value::as_str) {
                    Some("application") => ("clientCredentials", &["tokenUrl"]),
                    Some("accessCode") => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                    Some("implicit") => ("implicit", &["authorizationUrl"]),
                    Some("password") => ("password", &["tokenUrl"]),
                    other => {
                        return Err(self
                            .error(&format!("{at}/flow"), format!("unknown OAuth2 flow {other:?}"))
                            .hint("Swagger 2.0 flows are application, accessCode, implicit and password"));
                    }
                };
                let mut f = Map::new();
                for k in keys {
                    if let Some(v) = d.get(*k) {
                        f.insert((*k).into(), v.clone());
                    }
                }
                f.insert(
                    "scopes".into(),
                    d.get("scopes").cloned().unwrap_or_else(|| json!({})),
                );
                out.insert("type".into(), json!("oauth2"));
                out.insert("flows".into(), json!({ flow: f }));
            }
            other => {
                return Err(self
                    .error(
                        &format!("{at}/type"),
                        format!("unknown security scheme type {other:?}"),
                    )
                    .hint("Swagger 2.0 security schemes are basic, apiKey and oauth2"));
            }
        }
        Ok(Value::Object(out))
    }
}
