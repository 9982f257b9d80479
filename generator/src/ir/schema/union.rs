//! `oneOf`/`anyOf` schemas: one variant per alternative, told apart by a discriminator or by
//! their shape.

use serde_json::Value;

use super::{TypeSpace, last_token, shapes, str_of};
use crate::diag::Diagnostic;
use crate::ir::naming::{Names, pascal};
use crate::ir::ty::{Ty, TypeKind, UnionVariant};
use crate::load::{Contract, Loc};

impl TypeSpace {
    pub(super) fn union(
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

    /// The union type of the `oneOf`/`anyOf` (`key`) of the schema at `holder`, found beside an
    /// object's properties or in one of its `allOf` parts.
    pub(super) fn union_at(
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
}
