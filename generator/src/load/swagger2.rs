//! Swagger 2.0 → OpenAPI 3.0.3, one file at a time, so that everything after `load` reads one
//! dialect. The conversion records where each converted part came from (an [`Origin`] map), so
//! diagnostics still point into the document the partner was given.
//!
//! No crate does this well enough to keep diagnostics in the original document (the converters
//! on crates.io go through typed models and lose positions), hence this module.

use serde_json::{Map, Value, json};

use super::origin::Origin;
use super::swagger2_schema::convert_schema;
use crate::diag::{Diagnostic, escape_token};

/// A converted document and what the conversion found.
pub struct Converted {
    /// The OpenAPI 3.0.3 document.
    pub value: Value,
    /// Converted pointer → original pointer.
    pub origin: Origin,
    /// Warnings, as (original pointer, code, message).
    pub warnings: Vec<(String, &'static str, String)>,
}

/// Resolves a parameter `$ref` written in the file being converted to the raw (2.0) parameter
/// it names, following chains; `None` when it leads nowhere (the loader reports that later).
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<Value>;

/// Converts the Swagger 2.0 document `doc` of file `file`.
pub fn convert(file: &str, doc: &Value, lookup: Lookup) -> Result<Converted, Diagnostic> {
    let mut cv = Converter {
        file,
        lookup,
        origin: Origin::default(),
        warnings: Vec::new(),
        consumes: media_list(doc.get("consumes")),
        produces: media_list(doc.get("produces")),
    };
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    for (k, v) in obj(doc) {
        match k.as_str() {
            "info" | "tags" | "externalDocs" | "security" => {
                out.insert(k.clone(), v.clone());
            }
            _ if k.starts_with("x-") => {
                out.insert(k.clone(), v.clone());
            }
            _ => {}
        }
    }
    if let Some(servers) = servers(doc) {
        cv.origin.add("/servers", "/basePath");
        out.insert("servers".into(), servers);
    }
    let mut components = Map::new();
    if let Some(defs) = doc.get("definitions").and_then(Value::as_object) {
        let mut schemas = Map::new();
        for (name, schema) in defs {
            schemas.insert(name.clone(), convert_schema(schema));
        }
        cv.origin.add("/components/schemas", "/definitions");
        components.insert("schemas".into(), Value::Object(schemas));
    }
    cv.root_parameters(doc, &mut components);
    if let Some(responses) = doc.get("responses").and_then(Value::as_object) {
        let mut out = Map::new();
        for (name, r) in responses {
            let at = format!("/responses/{}", escape_token(name));
            let produces = cv.produces.clone();
            out.insert(
                name.clone(),
                cv.response(
                    r,
                    &at,
                    &format!("/components/responses/{}", escape_token(name)),
                    &produces,
                ),
            );
        }
        cv.origin.add("/components/responses", "/responses");
        components.insert("responses".into(), Value::Object(out));
    }
    if let Some(defs) = doc.get("securityDefinitions").and_then(Value::as_object) {
        let mut schemes = Map::new();
        for (name, d) in defs {
            let at = format!("/securityDefinitions/{}", escape_token(name));
            schemes.insert(name.clone(), cv.security_scheme(d, &at)?);
        }
        cv.origin
            .add("/components/securitySchemes", "/securityDefinitions");
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        let mut out_paths = Map::new();
        for (path, item) in paths {
            let at = format!("/paths/{}", escape_token(path));
            let converted = if path.starts_with('/') {
                cv.path_item(item, &at)?
            } else {
                item.clone()
            };
            out_paths.insert(path.clone(), converted);
        }
        out.insert("paths".into(), Value::Object(out_paths));
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    Ok(Converted {
        value: Value::Object(out),
        origin: cv.origin,
        warnings: cv.warnings,
    })
}

pub(super) struct Converter<'a> {
    file: &'a str,
    lookup: Lookup<'a>,
    pub(super) origin: Origin,
    pub(super) warnings: Vec<(String, &'static str, String)>,
    pub(super) consumes: Option<Vec<String>>,
    pub(super) produces: Option<Vec<String>>,
}

pub(super) fn obj(v: &Value) -> impl Iterator<Item = (&String, &Value)> {
    v.as_object().into_iter().flatten()
}

fn media_list(v: Option<&Value>) -> Option<Vec<String>> {
    let list: Vec<String> = v?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    Some(list)
}

/// `host` + `basePath` + `schemes` → `servers`; a relative URL when there is no host.
fn servers(doc: &Value) -> Option<Value> {
    let host = doc.get("host").and_then(Value::as_str);
    let base = doc.get("basePath").and_then(Value::as_str).unwrap_or("");
    let Some(host) = host else {
        return (!base.is_empty()).then(|| json!([{"url": base}]));
    };
    let schemes: Vec<&str> = doc
        .get("schemes")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .filter(|s: &Vec<&str>| !s.is_empty())
        .unwrap_or_else(|| vec!["https"]);
    let servers: Vec<Value> = schemes
        .iter()
        .map(|s| json!({"url": format!("{s}://{host}{base}")}))
        .collect();
    Some(Value::Array(servers))
}

/// A parameter after resolving references: where it is and its (raw) value.
pub(super) struct Resolved {
    /// The original pointer of the entry in the list (`…/parameters/3`).
    pub(super) at: String,
    /// The `$ref` it was written as, if any.
    pub(super) reference: Option<String>,
    pub(super) value: Value,
}

impl Resolved {
    pub(super) fn location(&self) -> &str {
        self.value.get("in").and_then(Value::as_str).unwrap_or("")
    }

    pub(super) fn name(&self) -> &str {
        self.value.get("name").and_then(Value::as_str).unwrap_or("")
    }
}

impl Converter<'_> {
    pub(super) fn error(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, pointer, message)
    }

    pub(super) fn warn(&mut self, pointer: &str, code: &'static str, message: impl Into<String>) {
        self.warnings
            .push((pointer.to_owned(), code, message.into()));
    }

    /// Root `parameters`: non-body ones become component parameters, body ones component request
    /// bodies (an operation's `$ref` to them is rewritten accordingly); form fields are folded
    /// into each operation that uses them.
    fn root_parameters(&mut self, doc: &Value, components: &mut Map<String, Value>) {
        let Some(params) = doc.get("parameters").and_then(Value::as_object) else {
            return;
        };
        let mut parameters = Map::new();
        let mut bodies = Map::new();
        for (name, p) in params {
            let at = format!("/parameters/{}", escape_token(name));
            match p.get("in").and_then(Value::as_str) {
                Some("body") => {
                    let consumes = self.consumes.clone();
                    let to = format!("/components/requestBodies/{}", escape_token(name));
                    bodies.insert(name.clone(), self.body(p, &at, &to, &consumes));
                    self.origin.add(to, at);
                }
                Some("formData") => {}
                _ => {
                    let to = format!("/components/parameters/{}", escape_token(name));
                    parameters.insert(name.clone(), self.parameter(p, &at, &to));
                }
            }
        }
        if !parameters.is_empty() {
            self.origin.add("/components/parameters", "/parameters");
            components.insert("parameters".into(), Value::Object(parameters));
        }
        if !bodies.is_empty() {
            components.insert("requestBodies".into(), Value::Object(bodies));
        }
    }

    fn path_item(&mut self, item: &Value, at: &str) -> Result<Value, Diagnostic> {
        if item.get("$ref").is_some() {
            return Ok(item.clone());
        }
        let mut out = Map::new();
        let shared = self.resolve_list(item.get("parameters"), &format!("{at}/parameters"));
        for (k, v) in obj(item) {
            let op_at = format!("{at}/{k}");
            match k.as_str() {
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" => {
                    out.insert(k.clone(), self.operation(v, &op_at, &shared)?);
                }
                "parameters" => {
                    // Path-level body and form parameters are moved into each operation's body.
                    let mut list = Vec::new();
                    for p in shared
                        .iter()
                        .filter(|p| !matches!(p.location(), "body" | "formData"))
                    {
                        let converted_at = format!("{at}/parameters/{}", list.len());
                        self.origin.add(&converted_at, &p.at);
                        list.push(self.kept_parameter(p, &converted_at));
                    }
                    out.insert("parameters".into(), Value::Array(list));
                }
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        Ok(Value::Object(out))
    }

    /// The entries of a `parameters` list, references followed.
    fn resolve_list(&mut self, list: Option<&Value>, at: &str) -> Vec<Resolved> {
        let mut out = Vec::new();
        for (i, p) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let entry_at = format!("{at}/{i}");
            let reference = p.get("$ref").and_then(Value::as_str).map(str::to_owned);
            let value = match &reference {
                Some(r) => (self.lookup)(r).unwrap_or_else(|| p.clone()),
                None => p.clone(),
            };
            out.push(Resolved {
                at: entry_at,
                reference,
                value,
            });
        }
        out
    }

    /// A non-body parameter of a list: its `$ref` kept (rewritten later), or converted inline.
    fn kept_parameter(&mut self, p: &Resolved, converted_at: &str) -> Value {
        match &p.reference {
            Some(r) => json!({"$ref": r}),
            None => self.parameter(&p.value, &p.at, converted_at),
        }
    }

    fn operation(
        &mut self,
        op: &Value,
        at: &str,
        shared: &[Resolved],
    ) -> Result<Value, Diagnostic> {
        let consumes = media_list(op.get("consumes")).or_else(|| self.consumes.clone());
        let produces = media_list(op.get("produces")).or_else(|| self.produces.clone());
        let own = self.resolve_list(op.get("parameters"), &format!("{at}/parameters"));
        // Operation parameters override path-level ones of the same name and location.
        let mut all: Vec<&Resolved> = shared
            .iter()
            .filter(|s| {
                !own.iter()
                    .any(|o| o.name() == s.name() && o.location() == s.location())
            })
            .collect();
        all.extend(own.iter());
        let mut out = Map::new();
        for (k, v) in obj(op) {
            match k.as_str() {
                "parameters" | "responses" | "consumes" | "produces" | "schemes" => {}
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        let mut params = Vec::new();
        let mut body: Option<&Resolved> = None;
        let mut form: Vec<&Resolved> = Vec::new();
        for p in &own {
            match p.location() {
                "body" => {
                    if let Some(first) = body {
                        return Err(self
                            .error(&p.at, "a second `in: body` parameter: Swagger 2.0 allows one body per operation")
                            .code("invalid-swagger-2.0")
                            .hint(format!("the first is {}; describe the body as one schema", first.at)));
                    }
                    body = Some(p);
                }
                "formData" => form.push(p),
                _ => {
                    let converted_at = format!("{at}/parameters/{}", params.len());
                    self.origin.add(&converted_at, &p.at);
                    params.push(self.kept_parameter(p, &converted_at));
                }
            }
        }
        for s in shared
            .iter()
            .filter(|s| all.iter().any(|a| std::ptr::eq(*a, *s)))
        {
            match s.location() {
                "body" if body.is_none() => body = Some(s),
                "formData" => form.push(s),
                _ => {}
            }
        }
        if let (Some(b), Some(f)) = (body, form.first()) {
            return Err(self
                .error(
                    &f.at,
                    "`in: formData` beside an `in: body` parameter: an operation has one body",
                )
                .hint(format!("the body parameter is {}", b.at)));
        }
        if !params.is_empty() {
            out.insert("parameters".into(), Value::Array(params));
        }
        let rb_at = format!("{at}/requestBody");
        if let Some(b) = body {
            let value = match &b.reference {
                Some(r) if r.contains("/parameters/") => {
                    json!({"$ref": r.replacen("/parameters/", "/components/requestBodies/", 1)})
                }
                _ => self.body(&b.value, &b.at, &rb_at, &consumes),
            };
            self.origin.add(&rb_at, &b.at);
            out.insert("requestBody".into(), value);
        } else if !form.is_empty() {
            out.insert(
                "requestBody".into(),
                self.form_body(&form, &rb_at, &consumes),
            );
        }
        let responses_at = format!("{at}/responses");
        let mut responses = Map::new();
        for (status, r) in obj(op.get("responses").unwrap_or(&Value::Null)) {
            let r_at = format!("{responses_at}/{}", escape_token(status));
            let converted = if status.starts_with("x-") {
                r.clone()
            } else {
                self.response(r, &r_at, &r_at, &produces)
            };
            responses.insert(status.clone(), converted);
        }
        if op.get("responses").is_some() {
            out.insert("responses".into(), Value::Object(responses));
        }
        Ok(Value::Object(out))
    }
}

/// The media types of a body or response; JSON when the contract names none.
pub(super) fn medias(list: &Option<Vec<String>>) -> Vec<String> {
    match list {
        Some(l) if !l.is_empty() => l.clone(),
        _ => vec!["application/json".into()],
    }
}

/// Rewrites a `$ref` pointer into a converted file: `/definitions/X` → `/components/schemas/X`…
pub fn rewrite_pointer(pointer: &str) -> Option<String> {
    for (from, to) in [
        ("/definitions/", "/components/schemas/"),
        ("/parameters/", "/components/parameters/"),
        ("/responses/", "/components/responses/"),
    ] {
        if let Some(rest) = pointer.strip_prefix(from) {
            return Some(format!("{to}{rest}"));
        }
    }
    None
}
