//! Schemas → types. One registry of types, keyed by where a schema is defined, so a schema that
//! many places reference (even from other files) becomes one Rust type.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::naming::{Names, pascal};
use super::ty::*;
use crate::diag::Diagnostic;
use crate::load::{Contract, Loc};

mod object;
mod shapes;
mod union;

use shapes::{EnumValues, consts_kind, enum_kind, enum_values, needs_def, schema_type};

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
        self.check_keywords(c, loc, value);
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
        self.check_keywords(c, &target, value);
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
        let name = last_token(target);
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
        if let EnumValues::Untyped = enum_values(v) {
            self.warn(
                c.warning(
                    &loc.child("enum"),
                    "enum-values-not-typed",
                    "the `enum` values are not all strings or all numbers of the schema's type: the client takes any value of the type",
                )
                .hint("list values of one type (strings, or numbers of an `integer`/`number` schema)"),
            );
        }
        Ok(match schema_type(c, loc, v)? {
            Some("string") => {
                let ty = match format {
                    "date" => Ty::Date,
                    "date-time" => Ty::DateTime,
                    "uuid" => Ty::Uuid,
                    "number" | "decimal" => Ty::Decimal,
                    "byte" => Ty::Base64,
                    "binary" => Ty::Binary,
                    _ => Ty::String,
                };
                let constrained = ["pattern", "minLength", "maxLength"]
                    .into_iter()
                    .find(|k| v.get(*k).is_some());
                if let (Some(keyword), false) = (constrained, ty == Ty::String) {
                    self.warn(
                        c.warning(
                            &loc.child(keyword),
                            "constraint-not-checked",
                            format!("the client reads `format: {format}` into a typed value and does not check `{keyword}` on it"),
                        )
                        .hint("the server still checks it; drop the constraint or the format if one of them is redundant"),
                    );
                }
                ty
            }
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
                    let ty = self.ty(c, &items, &format!("{hint}Item"))?;
                    Ty::Vec(Box::new(Self::element(c, &items, ty)))
                }
            }
            Some("object") => match v.get("additionalProperties") {
                Some(Value::Object(_)) => {
                    let inner = self.ty(
                        c,
                        &loc.child("additionalProperties"),
                        &format!("{hint}Value"),
                    )?;
                    let at = loc.child("additionalProperties");
                    Ty::Map(Box::new(Self::element(c, &at, inner)))
                }
                // `true`, `false` or absent: a JSON object keeps every property anyway.
                _ => Ty::JsonObject,
            },
            _ => Ty::Json,
        })
    }

    /// Registers a named type for `loc` (before converting its parts, so recursion ends).
    fn define(&mut self, c: &Contract, loc: &Loc, name: &str) -> Result<Ty, Diagnostic> {
        let value = c.get(loc).unwrap_or(&Value::Null);
        let id = self.reserve(loc, name, doc_of(value));
        let kind = self.kind(c, loc, value, &self.defs[id].name.clone())?;
        self.defs[id].kind = kind;
        Ok(Ty::Named(id))
    }

    /// A new type at `loc`, as JSON until its kind is known.
    fn reserve(&mut self, loc: &Loc, name: &str, doc: Option<String>) -> TypeId {
        let id = self.defs.len();
        let name = self.names.claim(name);
        self.by_loc.insert(loc.clone(), id);
        self.defs.push(TypeDef {
            name,
            doc,
            kind: TypeKind::Alias(Ty::Json),
            loc: loc.clone(),
        });
        id
    }

    fn kind(
        &mut self,
        c: &Contract,
        loc: &Loc,
        v: &Value,
        name: &str,
    ) -> Result<TypeKind, Diagnostic> {
        match enum_values(v) {
            EnumValues::Strings(values) => return Ok(enum_kind(&values)),
            EnumValues::Numbers(values) => {
                let base = match (schema_type(c, loc, v)?, str_of(v, "format")) {
                    (Some("number"), _) => Ty::F64,
                    (_, Some("int32"))
                        if values
                            .iter()
                            .all(|n| n.as_i64().is_some_and(|i| i32::try_from(i).is_ok())) =>
                    {
                        Ty::I32
                    }
                    _ if values.iter().all(|n| n.is_i64()) => Ty::I64,
                    _ => Ty::F64,
                };
                return Ok(consts_kind(base, &values, v));
            }
            EnumValues::Untyped | EnumValues::None => {}
        }
        // `allOf: [ $ref ]` / `oneOf: [ $ref ]` with nothing beside it only wraps a reference
        // (often to attach a description or `nullable`): it is that type.
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some([_]) = v.get(key).and_then(Value::as_array).map(Vec::as_slice)
                && v.get("properties").is_none()
                && ["allOf", "oneOf", "anyOf"]
                    .iter()
                    .all(|k| *k == key || v.get(*k).is_none())
            {
                let only = loc.child(key).child("0");
                return Ok(TypeKind::Alias(self.ty(c, &only, name)?));
            }
        }
        // An object: its properties, its `allOf` parts, and the `oneOf`/`anyOf` beside or inside
        // them (see `object`). A bare `anyOf` over objects is one too (see `collect_object`).
        if v.get("properties").is_some()
            || v.get("allOf").is_some()
            || shapes::any_of_objects(c, loc, v)
        {
            return self.object(c, loc, name);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = v.get(key).and_then(Value::as_array) {
                return self.union(c, loc, v, key, alts.len(), name);
            }
        }
        if schema_type(c, loc, v)? == Some("string") {
            let base = match str_of(v, "format") {
                Some("number" | "decimal") => Ty::Decimal,
                _ => Ty::String,
            };
            return Ok(TypeKind::Newtype {
                base,
                pattern: str_of(v, "pattern").map(str::to_owned),
                min_length: v.get("minLength").and_then(Value::as_u64),
                max_length: v.get("maxLength").and_then(Value::as_u64),
            });
        }
        Ok(TypeKind::Alias(self.primitive(c, loc, v, name)?))
    }

    /// An array item or map value of type `ty`, `Option` when the contract allows `null`.
    pub(super) fn element(c: &Contract, at: &Loc, ty: Ty) -> Ty {
        let here = c.get(at).unwrap_or(&Value::Null);
        let schema = c.resolve(at).map_or(&Value::Null, |(_, v)| v);
        let nullable = shapes::flag(here, schema, "nullable")
            || shapes::enum_has_null(here)
            || shapes::enum_has_null(schema);
        if nullable && ty != Ty::Json {
            Ty::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// Records a warning once (a schema used in many places is visited many times).
    fn warn(&mut self, w: Diagnostic) {
        if !self
            .warnings
            .iter()
            .any(|x| x.code == w.code && x.file == w.file && x.pointer == w.pointer)
        {
            self.warnings.push(w);
        }
    }
}

/// The last token of a location's pointer (a component's name).
fn last_token(loc: &Loc) -> String {
    loc.pointer
        .rsplit('/')
        .next()
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .unwrap_or_default()
}
#[cfg(test)]
mod tests;
