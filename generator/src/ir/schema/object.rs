//! Object schemas: properties merged over `allOf` parts, and the unions found beside them.

use std::collections::BTreeSet;

use serde_json::Value;

use super::shapes::{self, flag};
use super::{TypeSpace, doc_of};
use crate::diag::Diagnostic;
use crate::ir::naming::{Names, pascal, snake};
use crate::ir::ty::{Field, Ty, TypeKind};
use crate::load::{Contract, Loc};

impl TypeSpace {
    /// A struct from the properties of the schema at `loc`, its `allOf` parts, and the
    /// alternatives of a bare `anyOf` over objects; a `oneOf`/`anyOf` beside or inside them is
    /// a union type held in a flattened field.
    pub(super) fn object(
        &mut self,
        c: &Contract,
        loc: &Loc,
        name: &str,
    ) -> Result<TypeKind, Diagnostic> {
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
            Some(Additional::Schema(l)) => {
                let ty = self.ty(c, &l, &format!("{name}Value"))?;
                Some(Self::element(c, &l, ty))
            }
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
    // On a part (beside its `$ref`, say) these say nothing about the merged object, and on an
    // `anyOf` alternative they are no better: what the struct cannot express is reported.
    for keyword in ["nullable", "readOnly", "writeOnly"] {
        if part
            && c.get(loc)
                .is_some_and(|v| v.get(keyword) == Some(&Value::Bool(true)))
        {
            found.warnings.push(
                c.warning(
                    &loc.child(keyword),
                    "all-of-part-modifier-ignored",
                    format!("`{keyword}` on one part of an `allOf` is not expressed: it does not apply to the merged object"),
                )
                .hint(format!("put `{keyword}: true` beside the `allOf`, or at the property that uses the object")),
            );
        }
    }
    let (loc, value) = c.resolve(loc)?;
    found
        .warnings
        .extend(shapes::unsupported_keywords(c, &loc, value));
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
