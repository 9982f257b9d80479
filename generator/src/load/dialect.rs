//! The dialects a contract may be written in: the version check, the conversion of Swagger 2.0
//! files and the normalisation of OpenAPI 3.1 schemas, run once every file is loaded.

use serde_json::Value;

use super::origin::Origin;
use super::{Contract, FileId, Loc, Source, openapi31, percent_decode, split_ref, swagger2};
use crate::diag::Diagnostic;

impl Contract {
    /// Converts every Swagger 2.0 file (Belgif building blocks reference each other across
    /// files), then points every `$ref` into a converted file at the converted place.
    pub(super) fn convert_swagger2(&mut self) -> Result<(), Diagnostic> {
        let mut converted = Vec::new();
        for (id, file) in self.files.iter().enumerate() {
            let Some(version) = file.value.get("swagger") else {
                continue;
            };
            if version.as_str() != Some("2.0") && version.as_f64() != Some(2.0) {
                return Err(unsupported_swagger(&file.name, "swagger", version));
            }
            let lookup = |reference: &str| self.raw_parameter(id, reference);
            let result = swagger2::convert(&file.name, &file.value, &lookup)?;
            converted.push((id, result));
        }
        if converted.is_empty() {
            return Ok(());
        }
        let mut is_converted = vec![false; self.files.len()];
        for (id, result) in converted {
            is_converted[id] = true;
            let file = &mut self.files[id];
            file.value = result.value;
            file.origins.push(result.origin);
            for (pointer, code, message) in result.warnings {
                self.warnings
                    .push(Diagnostic::warning(&file.name, pointer, message).code(code));
            }
        }
        for id in 0..self.files.len() {
            let name = self.files[id].name.clone();
            let targets = |reference: &str| -> bool {
                let Some((path, _)) = split_ref(reference) else {
                    return false;
                };
                let target = if path.is_empty() {
                    Some(id)
                } else {
                    Source::join_names(&name, path)
                        .ok()
                        .and_then(|n| self.index.get(&n).copied())
                };
                target.is_some_and(|t| is_converted[t])
            };
            let mut value = std::mem::take(&mut self.files[id].value);
            rewrite_refs(&mut value, &targets);
            self.files[id].value = value;
        }
        Ok(())
    }

    /// The raw value a parameter `$ref` written in file `from` leads to (following chains),
    /// before any conversion.
    fn raw_parameter(&self, from: FileId, reference: &str) -> Option<Value> {
        let mut file = from;
        let mut reference = reference.to_owned();
        for _ in 0..16 {
            let (path, pointer) = split_ref(&reference)?;
            if !path.is_empty() {
                let name = Source::join_names(&self.files[file].name, path).ok()?;
                file = *self.index.get(&name)?;
            }
            let value = self.files[file].value.pointer(&percent_decode(pointer))?;
            match value.get("$ref").and_then(Value::as_str) {
                Some(next) => reference = next.to_owned(),
                None => return Some(value.clone()),
            }
        }
        None
    }

    /// Rewrites OpenAPI 3.1 schemas (and 3.1 spellings in 3.0 documents) into the 3.0 form.
    pub(super) fn normalise(&mut self, dialect: Dialect) {
        for id in 0..self.files.len() {
            let file = &mut self.files[id];
            let is31 = match file.value.get("openapi").map(version_text) {
                Some(v) => minor_of(&v) == Some((3, 1)),
                None => dialect == Dialect::OpenApi31 && file.origins.is_empty(),
            };
            let mut origin = Origin::default();
            let mut found = Vec::new();
            if id == 0 {
                root_document(&mut file.value, is31, &mut found);
            }
            openapi31::normalise(&mut file.value, is31, &mut origin, &mut found);
            file.origins.insert(0, origin);
            for (pointer, code, message) in found {
                let loc = Loc { file: id, pointer };
                let w = self.warning(&loc, code, message);
                self.warnings.push(w);
            }
        }
    }
}

/// The language of the root document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dialect {
    Swagger20,
    OpenApi30,
    OpenApi31,
}

fn unsupported_swagger(name: &str, key: &str, version: &Value) -> Diagnostic {
    let v = match version {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Diagnostic::error(name, format!("/{key}"), format!("Swagger {v} is not supported: Swagger 2.0, OpenAPI 3.0 and 3.1 are"))
        .code("unsupported-version")
        .hint("convert the contract to OpenAPI 3.0 (e.g. with the Swagger Editor's converter), then generate again")
}

pub(super) fn check_version(name: &str, root: &Value) -> Result<Dialect, Diagnostic> {
    if let Some(v) = root.get("swaggerVersion") {
        return Err(unsupported_swagger(name, "swaggerVersion", v));
    }
    if let Some(v) = root.get("swagger") {
        if v.as_str() == Some("2.0") || v.as_f64() == Some(2.0) {
            return Ok(Dialect::Swagger20);
        }
        return Err(unsupported_swagger(name, "swagger", v));
    }
    match root.get("openapi").map(version_text).as_deref() {
        Some(v) if minor_of(v) == Some((3, 0)) => Ok(Dialect::OpenApi30),
        Some(v) if minor_of(v) == Some((3, 1)) => Ok(Dialect::OpenApi31),
        Some(v) => Err(Diagnostic::error(name, "/openapi", format!("OpenAPI {v} is not supported: 3.0.x and 3.1.x are (and Swagger 2.0)"))
            .code("unsupported-version")
            .hint("if the contract only uses what OpenAPI 3.1 has, set `openapi: 3.1.0`; otherwise ask its authors for a 3.0 or 3.1 version")),
        None => Err(Diagnostic::error(name, "", "not an OpenAPI document: no `openapi` field at the top")
            .code("not-openapi")
            .hint("the input must be the contract's root file (openapi.yaml), its folder, or the zip")),
    }
}

/// A version as written: `3.1.0`, or a YAML number (`openapi: 3.0`).
fn version_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    }
}

/// `3.1.0` → (3, 1); `3.10` is not `3.1`.
fn minor_of(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Root-document differences of OpenAPI 3.1: `paths` may be absent; `webhooks` are calls the
/// API makes, not calls a client makes.
fn root_document(doc: &mut Value, is31: bool, warnings: &mut openapi31::Warnings) {
    if doc
        .get("webhooks")
        .is_some_and(|w| w.as_object().is_some_and(|m| !m.is_empty()))
    {
        warnings.push((
            "/webhooks".into(),
            "webhooks",
            "`webhooks` are requests the API sends, not a client concern: they are not generated"
                .into(),
        ));
    }
    if is31
        && doc.get("paths").is_none()
        && let Value::Object(map) = doc
    {
        map.insert("paths".into(), Value::Object(serde_json::Map::new()));
    }
}

/// Points every `$ref` into a converted Swagger 2.0 file (`targets`) at the converted place.
fn rewrite_refs(value: &mut Value, targets: &dyn Fn(&str) -> bool) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && targets(r)
                && let Some((path, pointer)) = r.split_once('#')
                && let Some(rewritten) = swagger2::rewrite_pointer(pointer)
            {
                *r = format!("{path}#{rewritten}");
            }
            for v in map.values_mut() {
                rewrite_refs(v, targets);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, targets)),
        _ => {}
    }
}
