//! Schemas → types. One registry of types, keyed by where a schema is defined, so a schema that
//! many places reference (even from other files) becomes one Rust type.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::naming::{Names, pascal, snake};
use super::ty::*;
use crate::diag::Diagnostic;
use crate::load::{Contract, Loc};

mod shapes;

use shapes::{EnumValues, enum_values, flag, needs_def, schema_type};

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
                    (_, Some("int32")) => Ty::I32,
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

    fn union(
        &mut self,
        c: &Contract,
        loc: &Loc,
        v: &Value,
        key: &str,
        count: usize,
        name: &str,
    ) -> Result<TypeKind, Diagnostic> {
        if let Some(d) = v.get("discriminator")
            && str_of(d, "propertyName").is_none()
        {
            self.warn(
                c.warning(
                    &loc.child("discriminator"),
                    "discriminator-without-property",
                    "a `discriminator` without `propertyName` says nothing: the alternatives are told apart by their shape",
                )
                .hint("name the property that tells the alternatives apart in `discriminator.propertyName`"),
            );
        }
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
        if discriminator.is_none()
            && let Some((shadowing, shadowed)) = shapes::shadowed_alternative(self, &variants)
        {
            self.warn(
                c.warning(
                    &loc.child(key).child(&shadowed.to_string()),
                    "union-alternatives-ambiguous",
                    format!("every value of alternative {shadowing} also fits here, and alternatives are tried in order: this one is never chosen when decoding"),
                )
                .hint("add a `discriminator`, or `required` properties that tell the alternatives apart"),
            );
        }
        Ok(TypeKind::Union {
            variants,
            discriminator,
        })
    }

    /// A struct from the properties of the schema at `loc`, its `allOf` parts, and the
    /// alternatives of a bare `anyOf` over objects; a `oneOf`/`anyOf` beside or inside them is
    /// a union type held in a flattened field.
    fn object(&mut self, c: &Contract, loc: &Loc, name: &str) -> Result<TypeKind, Diagnostic> {
        let mut found = Collected::default();
        collect_object(c, loc, false, false, &mut found, 0)?;
        for w in std::mem::take(&mut found.warnings) {
            self.warn(w);
        }
        let patch = self.merge_patch.contains(loc);
        let mut fields = Vec::new();
        let mut names = Names::default();
        if found.additional.is_some() {
            // The map of extra properties is emitted under this name.
            names.claim("additional_properties");
        }
        for (json, prop) in found.props {
            let (_, value) = c.resolve(&prop)?;
            let here = c.get(&prop).unwrap_or(&Value::Null);
            // Read at the property as well: a 3.1 `$ref` may carry them beside it.
            let read_only = flag(here, value, "readOnly");
            let write_only = flag(here, value, "writeOnly");
            let nullable = flag(here, value, "nullable")
                || shapes::enum_has_null(here)
                || shapes::enum_has_null(value);
            let ty = self.ty(c, &prop, &format!("{name}{}", pascal(&json)))?;
            let mut doc = c.get(&prop).and_then(doc_of).or_else(|| doc_of(value));
            let note = match (read_only, write_only) {
                (true, _) => Some("Read-only: the server sets it; leave it out of requests."),
                (_, true) => Some("Write-only: sent in requests, never in answers."),
                _ => None,
            };
            if let Some(note) = note {
                doc = Some(match doc {
                    Some(d) => format!("{d}\n\n{note}"),
                    None => note.to_owned(),
                });
            }
            let default = match here.get("default").or_else(|| value.get("default")) {
                None | Some(Value::Null) => None,
                Some(d) if self.fits(&ty, d, 0) => Some(d.clone()),
                Some(d) => {
                    let at = if here.get("default").is_some() {
                        prop.child("default")
                    } else {
                        c.resolve(&prop)?.0.child("default")
                    };
                    self.warn(
                        c.warning(
                            &at,
                            "default-does-not-fit",
                            format!("`default: {d}` is not a value of the property's type: the client does not apply it"),
                        )
                        .hint("give a default the schema accepts"),
                    );
                    None
                }
            };
            fields.push(Field {
                name: names.claim(&snake(&json)),
                required: found.required.contains(&json) && !read_only && !write_only,
                nullable,
                default,
                patch_nullable: patch && nullable,
                json,
                ty,
                doc,
            });
        }
        let mut flattened: Vec<(String, Ty)> = Vec::new();
        for (holder, key, via_ref) in found.unions {
            let ty = self.union_at(c, &holder, key, via_ref, name)?;
            if !flattened.iter().any(|(_, t)| *t == ty) {
                flattened.push((names.claim(&snake(key)), ty));
            }
        }
        // A discriminated union reads its tag itself: the struct must leave the property to it
        // (serde hands a flattened field only the properties no named field took).
        for (_, ty) in &flattened {
            let Ty::Named(id) = ty else { continue };
            let TypeKind::Union {
                variants,
                discriminator: Some(tag),
            } = &self.defs[*id].kind
            else {
                continue;
            };
            fields.retain(|f| f.json != *tag);
            let kept_by_all = variants.iter().all(|v| match &v.ty {
                Ty::Named(vid) => matches!(&self.defs[*vid].kind,
                    TypeKind::Struct { fields, .. } if fields.iter().any(|f| f.json == *tag)),
                _ => false,
            });
            if !kept_by_all {
                let w = c
                    .warning(
                        loc,
                        "discriminator-not-kept",
                        format!("the discriminator `{tag}` selects the alternative when decoding, but not every alternative declares it: it is not written back"),
                    )
                    .hint(format!("declare `{tag}` in every alternative"));
                self.warn(w);
            }
        }
        let mut additional = match found.additional {
            Some(Additional::Any) => Some(Ty::Json),
            Some(Additional::Schema(l)) => Some(self.ty(c, &l, &format!("{name}Value"))?),
            None => None,
        };
        if additional.is_some() && !flattened.is_empty() {
            // Both would read the same leftover properties, and write them twice.
            self.warn(
                c.warning(
                    &loc.child("additionalProperties"),
                    "additional-properties-beside-union",
                    "extra properties beside a `oneOf`/`anyOf` are not kept: they would be read (and written) twice",
                )
                .hint("move `additionalProperties` into the alternatives"),
            );
            additional = None;
        }
        Ok(TypeKind::Struct {
            fields,
            additional,
            flattened,
        })
    }

    /// The union type of the `oneOf`/`anyOf` (`key`) of the schema at `holder`, found beside an
    /// object's properties or in one of its `allOf` parts.
    fn union_at(
        &mut self,
        c: &Contract,
        holder: &Loc,
        key: &'static str,
        via_ref: bool,
        owner: &str,
    ) -> Result<Ty, Diagnostic> {
        let value = c.get(holder).unwrap_or(&Value::Null);
        let alone = value.get("properties").is_none() && value.get("allOf").is_none();
        if alone {
            // The part is itself a union (a referenced one keeps its own name).
            if via_ref {
                return self.named_or_inline(c, holder);
            }
            let ty = self.ty(c, holder, &format!("{owner}{}", pascal(key)))?;
            if let Ty::Named(id) = ty
                && self.defs[id].doc.is_none()
            {
                self.defs[id].doc = Some(format!(
                    "The `{key}` alternatives of `{owner}`, whose properties sit beside its own."
                ));
            }
            return Ok(ty);
        }
        let at = holder.child(key);
        if let Some(id) = self.by_loc.get(&at) {
            return Ok(Ty::Named(*id));
        }
        let base = if via_ref {
            pascal(&last_token(holder))
        } else {
            owner.to_owned()
        };
        let count = value.get(key).and_then(Value::as_array).map_or(0, Vec::len);
        let doc =
            format!("The `{key}` alternatives of `{base}`, whose properties sit beside its own.");
        let id = self.reserve(&at, &format!("{base}{}", pascal(key)), Some(doc));
        let name = self.defs[id].name.clone();
        self.defs[id].kind = self.union(c, holder, value, key, count, &name)?;
        Ok(Ty::Named(id))
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

/// What an object schema is made of, `allOf` parts merged.
#[derive(Default)]
struct Collected {
    props: Vec<(String, Loc)>,
    required: BTreeSet<String>,
    additional: Option<Additional>,
    /// Schemas holding a `oneOf`/`anyOf` (which key, reached through a `$ref`).
    unions: Vec<(Loc, &'static str, bool)>,
    warnings: Vec<Diagnostic>,
}

enum Additional {
    /// `additionalProperties: true`: any JSON.
    Any,
    /// `additionalProperties: {schema}`.
    Schema(Loc),
}

/// Gathers the properties of an object, merging `allOf` parts (first `$ref` = parent, Belgif).
/// `optional`: the parts are `anyOf` alternatives, so their `required` does not hold.
fn collect_object(
    c: &Contract,
    loc: &Loc,
    optional: bool,
    part: bool,
    found: &mut Collected,
    depth: usize,
) -> Result<(), Diagnostic> {
    if depth > 32 {
        return Err(c.error(loc, "`allOf` nested more than 32 levels (a cycle?)"));
    }
    let via_ref = c.get(loc).is_some_and(|v| v.get("$ref").is_some());
    if part
        && c.get(loc)
            .is_some_and(|v| v.get("nullable") == Some(&Value::Bool(true)))
    {
        found.warnings.push(
            c.warning(
                &loc.child("nullable"),
                "all-of-part-nullable",
                "`nullable` on one part of an `allOf` is not expressed: the merged object is not nullable",
            )
            .hint("put `nullable: true` beside the `allOf`, at the property that uses it"),
        );
    }
    let (loc, value) = c.resolve(loc)?;
    if let Some(parts) = value.get("allOf").and_then(Value::as_array) {
        for i in 0..parts.len() {
            let at = loc.child("allOf").child(&i.to_string());
            collect_object(c, &at, optional, true, found, depth + 1)?;
        }
    }
    if let Some(map) = value.get("properties").and_then(Value::as_object) {
        for key in map.keys() {
            let at = loc.child("properties").child(key);
            match found.props.iter_mut().find(|(k, _)| k == key) {
                Some(existing) => existing.1 = at,
                None => found.props.push((key.clone(), at)),
            }
        }
    }
    if !optional && let Some(list) = value.get("required").and_then(Value::as_array) {
        found
            .required
            .extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    match value.get("additionalProperties") {
        Some(Value::Object(_)) => {
            found.additional = Some(Additional::Schema(loc.child("additionalProperties")));
        }
        Some(Value::Bool(true)) => found.additional = Some(Additional::Any),
        // Absent (or `false`): unknown properties are ignored when decoding (Belgif
        // `evo-compat`), and never written.
        _ => {}
    }
    // `anyOf` over objects means "one or more of these": a value may carry the properties of
    // several alternatives at once, which an enum would drop. Their properties join the
    // struct, all optional.
    if shapes::any_of_objects(c, &loc, value) {
        let n = value
            .get("anyOf")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..n {
            let at = loc.child("anyOf").child(&i.to_string());
            collect_object(c, &at, true, true, found, depth + 1)?;
        }
    } else if let Some(key) = ["oneOf", "anyOf"]
        .into_iter()
        .find(|k| value.get(*k).is_some())
    {
        if shapes::only_required(&value[key]) {
            // `oneOf: [{required: [a]}, {required: [b]}]` says which properties must be there:
            // a rule on the object, not other shapes of it.
            found.warnings.push(
                c.warning(
                    &loc.child(key),
                    "required-alternatives-not-checked",
                    format!("the `{key}` only says which properties must be present: the client does not check it"),
                )
                .hint("the server still checks it"),
            );
        } else {
            found.unions.push((loc.clone(), key, via_ref));
        }
    }
    Ok(())
}

fn enum_kind(values: &[&str]) -> TypeKind {
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
fn consts_kind(base: Ty, values: &[serde_json::Number], v: &Value) -> TypeKind {
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

#[cfg(test)]
mod tests;
