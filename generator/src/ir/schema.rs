//! Schemas → types. One registry of types, keyed by where a schema is defined, so a schema that
//! many places reference (even from other files) becomes one Rust type.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::naming::{Names, pascal, snake};
use super::ty::*;
use crate::diag::Diagnostic;
use crate::load::{Contract, Loc};

/// Every generated type.
pub struct TypeSpace {
    /// Definitions, in creation order (contract order).
    pub defs: Vec<TypeDef>,
    by_loc: HashMap<Loc, TypeId>,
    names: Names,
    /// Schemas sent as merge-patch bodies: their nullable fields keep `null` distinct from absent.
    pub merge_patch: BTreeSet<Loc>,
    /// Non-fatal findings.
    pub warnings: Vec<Diagnostic>,
}

impl Default for TypeSpace {
    fn default() -> Self {
        Self {
            defs: Vec::new(),
            by_loc: HashMap::new(),
            names: Names::for_types(),
            merge_patch: BTreeSet::new(),
            warnings: Vec::new(),
        }
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// `description`, else `title`.
pub fn doc_of(v: &Value) -> Option<String> {
    str_of(v, "description")
        .or_else(|| str_of(v, "title"))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

impl TypeSpace {
    /// The type of the schema at `loc`; `hint` names it if it must become a new type.
    pub fn ty(&mut self, c: &Contract, loc: &Loc, hint: &str) -> Result<Ty, Diagnostic> {
        let value = c.get(loc).ok_or_else(|| c.error(loc, "no schema here"))?;
        if let Some(reference) = str_of(value, "$ref") {
            let target = c.ref_target(loc, reference)?;
            let (target, _) = c.resolve(&target)?;
            return self.named_or_inline(c, &target);
        }
        self.inline(c, loc, hint)
    }

    /// A component schema: always a named type (a primitive one becomes an alias), so that a
    /// contract of building blocks yields every type it defines.
    pub fn component(&mut self, c: &Contract, loc: &Loc, name: &str) -> Result<(), Diagnostic> {
        let (target, value) = c.resolve(loc)?;
        if self.by_loc.contains_key(&target)
            || RuntimeType::for_definition(c.file_name(target.file), &target.pointer).is_some()
        {
            return Ok(());
        }
        if needs_def(value) {
            self.ty(c, loc, name)?;
            return Ok(());
        }
        let id = self.defs.len();
        let rust = self.names.claim(&pascal(name));
        self.by_loc.insert(target.clone(), id);
        self.defs.push(TypeDef {
            name: rust.clone(),
            doc: doc_of(value),
            kind: TypeKind::Alias(Ty::Json),
            loc: target.clone(),
        });
        let ty = self.primitive(c, &target, value, &rust)?;
        self.defs[id].kind = TypeKind::Alias(ty);
        Ok(())
    }

    /// A referenced definition: curated runtime type, or one registered type.
    fn named_or_inline(&mut self, c: &Contract, target: &Loc) -> Result<Ty, Diagnostic> {
        if let Some(rt) = RuntimeType::for_definition(c.file_name(target.file), &target.pointer) {
            return Ok(Ty::Runtime(rt));
        }
        if let Some(id) = self.by_loc.get(target) {
            return Ok(Ty::Named(*id));
        }
        let name = target
            .pointer
            .rsplit('/')
            .next()
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .unwrap_or_default();
        let value = c.get(target).unwrap_or(&Value::Null);
        // Primitive definitions without constraints stay primitives (no wrapper type).
        if !needs_def(value) {
            return self.inline(c, target, &name);
        }
        self.define(c, target, &pascal(&name))
    }

    /// A schema written in place.
    fn inline(&mut self, c: &Contract, loc: &Loc, hint: &str) -> Result<Ty, Diagnostic> {
        let value = c.get(loc).unwrap_or(&Value::Null);
        if needs_def(value) {
            if let Some(id) = self.by_loc.get(loc) {
                return Ok(Ty::Named(*id));
            }
            return self.define(c, loc, &pascal(hint));
        }
        self.primitive(c, loc, value, hint)
    }

    fn primitive(
        &mut self,
        c: &Contract,
        loc: &Loc,
        v: &Value,
        hint: &str,
    ) -> Result<Ty, Diagnostic> {
        let format = str_of(v, "format").unwrap_or_default();
        Ok(match schema_type(c, loc, v)? {
            Some("string") => match format {
                "date" => Ty::Date,
                "date-time" => Ty::DateTime,
                "uuid" => Ty::Uuid,
                "number" | "decimal" => Ty::Decimal,
                "byte" => Ty::Base64,
                "binary" => Ty::Binary,
                _ => Ty::String,
            },
            Some("integer") => match format {
                "int32" => Ty::I32,
                _ => Ty::I64,
            },
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let items = loc.child("items");
                if c.get(&items).is_none() {
                    Ty::Vec(Box::new(Ty::Json))
                } else {
                    Ty::Vec(Box::new(self.ty(c, &items, &format!("{hint}Item"))?))
                }
            }
            Some("object") => match v.get("additionalProperties") {
                Some(Value::Object(_)) => {
                    let inner = self.ty(
                        c,
                        &loc.child("additionalProperties"),
                        &format!("{hint}Value"),
                    )?;
                    Ty::Map(Box::new(inner))
                }
                _ => Ty::JsonObject,
            },
            _ => Ty::Json,
        })
    }

    /// Registers a named type for `loc` (before converting its parts, so recursion ends).
    fn define(&mut self, c: &Contract, loc: &Loc, name: &str) -> Result<Ty, Diagnostic> {
        let id = self.defs.len();
        let name = self.names.claim(name);
        let value = c.get(loc).unwrap_or(&Value::Null);
        self.by_loc.insert(loc.clone(), id);
        self.defs.push(TypeDef {
            name: name.clone(),
            doc: doc_of(value),
            kind: TypeKind::Alias(Ty::Json),
            loc: loc.clone(),
        });
        let kind = self.kind(c, loc, value, &name)?;
        self.defs[id].kind = kind;
        Ok(Ty::Named(id))
    }

    fn kind(
        &mut self,
        c: &Contract,
        loc: &Loc,
        v: &Value,
        name: &str,
    ) -> Result<TypeKind, Diagnostic> {
        if let Some(values) = v.get("enum").and_then(Value::as_array)
            && (schema_type(c, loc, v)? == Some("string") || values.iter().all(Value::is_string))
        {
            return Ok(enum_kind(values));
        }
        // `allOf: [ $ref ]` / `oneOf: [ $ref ]` with nothing beside it only wraps a reference
        // (often to attach a description or `nullable`): it is that type.
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some([_]) = v.get(key).and_then(Value::as_array).map(Vec::as_slice)
                && v.get("properties").is_none()
            {
                let only = loc.child(key).child("0");
                return Ok(TypeKind::Alias(self.ty(c, &only, name)?));
            }
        }
        // `anyOf` over objects means "one or more of these": a value may carry the properties of
        // several alternatives at once, which an enum would drop. One struct with every
        // alternative's properties, all optional, keeps them all.
        if let Some(alts) = v.get("anyOf").and_then(Value::as_array)
            && v.get("discriminator").is_none()
            && all_objects(c, &loc.child("anyOf"), alts.len())
        {
            let parts: Vec<Loc> = (0..alts.len())
                .map(|i| loc.child("anyOf").child(&i.to_string()))
                .collect();
            return self.object(c, loc, &parts, true, name);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = v.get(key).and_then(Value::as_array) {
                return self.union(c, loc, v, key, alts.len(), name);
            }
        }
        if v.get("properties").is_some() || v.get("allOf").is_some() {
            return self.object(c, loc, std::slice::from_ref(loc), false, name);
        }
        if schema_type(c, loc, v)? == Some("string") {
            return Ok(TypeKind::Newtype {
                pattern: str_of(v, "pattern").map(str::to_owned),
                min_length: v.get("minLength").and_then(Value::as_u64),
                max_length: v.get("maxLength").and_then(Value::as_u64),
            });
        }
        Ok(TypeKind::Alias(self.primitive(c, loc, v, name)?))
    }

    fn union(
        &mut self,
        c: &Contract,
        loc: &Loc,
        v: &Value,
        key: &str,
        count: usize,
        name: &str,
    ) -> Result<TypeKind, Diagnostic> {
        let discriminator = v
            .get("discriminator")
            .and_then(|d| str_of(d, "propertyName"))
            .map(str::to_owned);
        let mapping: Vec<(String, String)> = v
            .get("discriminator")
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, t)| Some((k.clone(), t.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        let mut variants: Vec<UnionVariant> = Vec::new();
        let mut names = Names::default();
        names.claim("Other");
        for i in 0..count {
            let alt = loc.child(key).child(&i.to_string());
            let raw = c.get(&alt).unwrap_or(&Value::Null);
            let ty = self.ty(c, &alt, &format!("{name}Variant{i}"))?;
            let reference = str_of(raw, "$ref").map(str::to_owned);
            let base = match (&ty, &reference) {
                (_, Some(r)) => r.rsplit('/').next().unwrap_or("Variant").to_owned(),
                (Ty::Named(id), None) => self.defs[*id].name.clone(),
                _ => format!("Variant{i}"),
            };
            let mut tags: Vec<String> = mapping
                .iter()
                .filter(|(_, target)| {
                    reference.as_deref().is_some_and(|r| {
                        r == target
                            || r.ends_with(&format!(
                                "/{}",
                                target.rsplit('/').next().unwrap_or_default()
                            ))
                    })
                })
                .map(|(tag, _)| tag.clone())
                .collect();
            if discriminator.is_some() && tags.is_empty() {
                // Without an explicit mapping the tag is the schema's name.
                tags.push(
                    reference
                        .as_deref()
                        .and_then(|r| r.rsplit('/').next())
                        .unwrap_or(&base)
                        .to_owned(),
                );
            }
            variants.push(UnionVariant {
                name: names.claim(&pascal(&base)),
                ty,
                tags,
            });
        }
        if variants.is_empty() {
            return Err(c
                .error(&loc.child(key), format!("empty `{key}`"))
                .hint("list at least one alternative schema"));
        }
        Ok(TypeKind::Union {
            variants,
            discriminator,
        })
    }

    /// A struct from the properties of `parts` (the schema itself, or `anyOf` alternatives, whose
    /// properties are then all optional).
    fn object(
        &mut self,
        c: &Contract,
        loc: &Loc,
        parts: &[Loc],
        all_optional: bool,
        name: &str,
    ) -> Result<TypeKind, Diagnostic> {
        let mut props: Vec<(String, Loc)> = Vec::new();
        let mut required: BTreeSet<String> = BTreeSet::new();
        let mut additional: Option<Loc> = None;
        for part in parts {
            collect_object(c, part, &mut props, &mut required, &mut additional, 0)?;
        }
        if all_optional {
            required.clear();
        }
        let patch = self.merge_patch.contains(loc);
        let mut fields = Vec::new();
        let mut names = Names::default();
        if additional.is_some() {
            // The map of extra properties is emitted under this name.
            names.claim("additional_properties");
        }
        for (json, prop) in props {
            let (resolved, value) = c.resolve(&prop)?;
            let read_only = value
                .get("readOnly")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let nullable = value
                .get("nullable")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let ty = self.ty(c, &prop, &format!("{name}{}", pascal(&json)))?;
            let doc = c.get(&prop).and_then(doc_of).or_else(|| doc_of(value));
            let _ = resolved;
            fields.push(Field {
                name: names.claim(&snake(&json)),
                required: required.contains(&json) && !read_only,
                patch_nullable: patch && nullable,
                json,
                ty,
                doc,
            });
        }
        let additional = match additional {
            Some(l) => Some(self.ty(c, &l, &format!("{name}Value"))?),
            None => None,
        };
        Ok(TypeKind::Struct { fields, additional })
    }
}

/// Whether each of the `count` alternatives under `at` is an object schema with properties.
fn all_objects(c: &Contract, at: &Loc, count: usize) -> bool {
    count > 1
        && (0..count).all(|i| {
            c.resolve(&at.child(&i.to_string()))
                .is_ok_and(|(_, v)| v.get("properties").is_some() || v.get("allOf").is_some())
        })
}

/// Gathers the properties of an object, merging `allOf` parts (first `$ref` = parent, Belgif).
fn collect_object(
    c: &Contract,
    loc: &Loc,
    props: &mut Vec<(String, Loc)>,
    required: &mut BTreeSet<String>,
    additional: &mut Option<Loc>,
    depth: usize,
) -> Result<(), Diagnostic> {
    if depth > 32 {
        return Err(c.error(loc, "`allOf` nested more than 32 levels (a cycle?)"));
    }
    let (loc, value) = c.resolve(loc)?;
    if let Some(parts) = value.get("allOf").and_then(Value::as_array) {
        for i in 0..parts.len() {
            collect_object(
                c,
                &loc.child("allOf").child(&i.to_string()),
                props,
                required,
                additional,
                depth + 1,
            )?;
        }
    }
    if let Some(map) = value.get("properties").and_then(Value::as_object) {
        for key in map.keys() {
            let at = loc.child("properties").child(key);
            match props.iter_mut().find(|(k, _)| k == key) {
                Some(existing) => existing.1 = at,
                None => props.push((key.clone(), at)),
            }
        }
    }
    if let Some(list) = value.get("required").and_then(Value::as_array) {
        required.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if value
        .get("additionalProperties")
        .is_some_and(Value::is_object)
    {
        *additional = Some(loc.child("additionalProperties"));
    }
    Ok(())
}

/// Whether a schema becomes a named Rust type rather than a plain one.
fn needs_def(v: &Value) -> bool {
    v.get("properties").is_some()
        || v.get("allOf").is_some()
        || v.get("oneOf").is_some()
        || v.get("anyOf").is_some()
        || v.get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.iter().all(Value::is_string) && !e.is_empty())
        || (str_of(v, "type") == Some("string")
            && (v.get("pattern").is_some()
                || v.get("minLength").is_some()
                || v.get("maxLength").is_some())
            && v.get("format").is_none())
}

fn schema_type<'a>(c: &Contract, loc: &Loc, v: &'a Value) -> Result<Option<&'a str>, Diagnostic> {
    match v.get("type") {
        None => Ok(None),
        Some(Value::String(t)) => match t.as_str() {
            "string" | "integer" | "number" | "boolean" | "array" | "object" => {
                Ok(Some(t.as_str()))
            }
            other => Err(c
                .error(&loc.child("type"), format!("unknown type `{other}`"))
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

fn enum_kind(values: &[Value]) -> TypeKind {
    let mut names = Names::default();
    names.claim("Unknown");
    let variants = values
        .iter()
        .filter_map(Value::as_str)
        .map(|v| EnumVariant {
            name: names.claim(&pascal(v)),
            value: v.to_owned(),
        })
        .collect();
    TypeKind::Enum { variants }
}
