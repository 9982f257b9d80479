//! Named types, matched by Rust name: added, removed, another kind; then what each kind holds —
//! a struct's properties, an enum's values, a union's alternatives, a validated string's
//! constraints, an alias's target. Where the type travels (`usage.rs`) decides the wire verdict.

use std::collections::BTreeMap;

use super::Impact::{Breaking, Compatible};
use super::usage::{Usage, Used};
use super::{Change, Impact, render};
use crate::ir::{Api, Field, Ty, TypeDef, TypeKind, TypeSpace};

mod fields;

/// Every type-level change from `old` to `new`.
pub fn diff(old: &Api, new: &Api, usage: &Usage) -> Vec<Change> {
    let by_name = |api: &'_ Api| -> BTreeMap<String, TypeDef> {
        api.types
            .defs
            .iter()
            .map(|d| (d.name.clone(), d.clone()))
            .collect()
    };
    let (olds, news) = (by_name(old), by_name(new));
    let mut out = Vec::new();
    for (name, o) in &olds {
        let at = format!("type {name}");
        match news.get(name) {
            Some(n) => {
                let cx = Cx {
                    name,
                    at: &at,
                    used: usage.get(name),
                    old: &old.types,
                    new: &new.types,
                };
                out.extend(cx.def(o, n));
            }
            None => out.push(Change::new(
                "type_removed",
                at,
                Compatible,
                Breaking,
                format!(
                    "type `{name}` ({}) removed: code naming it no longer compiles (where the contract used it is reported there)",
                    render::kind_name(&o.kind)
                ),
            )),
        }
    }
    for (name, n) in news.iter().filter(|(name, _)| !olds.contains_key(*name)) {
        out.push(Change::new(
            "type_added",
            format!("type {name}"),
            Compatible,
            Compatible,
            format!(
                "type `{name}` ({}) added: nothing that exists changes",
                render::kind_name(&n.kind)
            ),
        ));
    }
    out
}

/// One type present on both sides.
struct Cx<'a> {
    name: &'a str,
    at: &'a str,
    used: Used,
    old: &'a TypeSpace,
    new: &'a TypeSpace,
}

impl Cx<'_> {
    fn def(&self, o: &TypeDef, n: &TypeDef) -> Vec<Change> {
        let name = self.name;
        match (&o.kind, &n.kind) {
            (
                TypeKind::Struct {
                    fields: of,
                    additional: oa,
                    flattened: ofl,
                },
                TypeKind::Struct {
                    fields: nf,
                    additional: na,
                    flattened: nfl,
                },
            ) => {
                let mut out = self.fields(&with_flattened(of, ofl), &with_flattened(nf, nfl));
                out.extend(self.additional(oa.as_ref(), na.as_ref()));
                out
            }
            (TypeKind::Enum { variants: ov }, TypeKind::Enum { variants: nv }) => {
                let values = |v: &[crate::ir::ty::EnumVariant]| {
                    v.iter().map(|v| v.value.clone()).collect::<Vec<_>>()
                };
                self.values(
                    &values(ov),
                    &values(nv),
                    "variant",
                    "deployed clients keep it as `Unknown(String)` and the enum is `#[non_exhaustive]`, so matches still compile",
                )
            }
            (
                TypeKind::Consts {
                    base: ob,
                    values: ov,
                },
                TypeKind::Consts {
                    base: nb,
                    values: nv,
                },
            ) if ob == nb => {
                let values = |v: &[(String, serde_json::Number)]| {
                    v.iter().map(|(_, n)| n.to_string()).collect::<Vec<_>>()
                };
                self.values(
                    &values(ov),
                    &values(nv),
                    "constant",
                    "the integer enum is an open newtype, so deployed clients keep the value and code still compiles",
                )
            }
            (
                TypeKind::Union {
                    variants: ov,
                    discriminator: od,
                },
                TypeKind::Union {
                    variants: nv,
                    discriminator: nd,
                },
            ) => {
                let mut out = self.union(ov, nv);
                if od != nd {
                    let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".into());
                    out.push(
                        Change::new(
                            "discriminator_changed",
                            self.at,
                            Breaking,
                            Compatible,
                            format!(
                                "the discriminator of union `{name}` changed from `{}` to `{}`: the two sides no longer agree on which alternative a value is",
                                show(od),
                                show(nd)
                            ),
                        )
                        .values(show(od), show(nd)),
                    );
                }
                out
            }
            (
                TypeKind::Newtype {
                    base: ob,
                    pattern: op,
                    min_length: omin,
                    max_length: omax,
                },
                TypeKind::Newtype {
                    base: nb,
                    pattern: np,
                    min_length: nmin,
                    max_length: nmax,
                },
            ) if ob == nb => fields::constraints(self, (op, omin, omax), (np, nmin, nmax)),
            (TypeKind::Alias(ot), TypeKind::Alias(nt)) => {
                let (was, now) = (render::ty(ot, self.old), render::ty(nt, self.new));
                (was != now)
                    .then(|| {
                        Change::new(
                            "type_alias_changed",
                            self.at,
                            Breaking,
                            Breaking,
                            format!(
                                "type alias `{name}` now stands for `{now}` instead of `{was}`: values of the old type are refused or undecodable, and code using it as `{was}` no longer compiles"
                            ),
                        )
                        .values(was, now)
                    })
                    .into_iter()
                    .collect()
            }
            (ok, nk) => {
                let describe = |k: &TypeKind, space| match k {
                    TypeKind::Consts { base, .. } | TypeKind::Newtype { base, .. } => {
                        format!("{} of {}", render::kind_name(k), render::ty(base, space))
                    }
                    _ => render::kind_name(k).to_owned(),
                };
                let (was, now) = (describe(ok, self.old), describe(nk, self.new));
                vec![
                    Change::new(
                        "type_kind_changed",
                        self.at,
                        Breaking,
                        Breaking,
                        format!(
                            "type `{name}` changed from a {was} to a {now}: its JSON and its Rust shape both differ"
                        ),
                    )
                    .values(was, now),
                ]
            }
        }
    }

    /// Values of a string or integer enum, compared as JSON values.
    fn values(&self, old: &[String], new: &[String], item: &str, why: &str) -> Vec<Change> {
        let name = self.name;
        let mut out = Vec::new();
        for v in new.iter().filter(|v| !old.contains(v)) {
            out.push(Change::new(
                "enum_value_added",
                format!("{} value {v}", self.at),
                Compatible,
                Compatible,
                format!("value `{v}` added to `{name}`: {why}"),
            ));
        }
        for v in old.iter().filter(|v| !new.contains(v)) {
            let wire = self.used.in_request();
            out.push(Change::new(
                "enum_value_removed",
                format!("{} value {v}", self.at),
                Impact::breaking_if(wire),
                Breaking,
                format!(
                    "value `{v}` removed from `{name}`: {}, and code naming its {item} no longer compiles",
                    if wire {
                        "deployed clients may still send it and be refused"
                    } else {
                        "the server no longer sends it, which deployed clients survive"
                    }
                ),
            ));
        }
        out
    }

    /// Alternatives of a union, by variant name (the union enum is not `#[non_exhaustive]`).
    fn union(
        &self,
        old: &[crate::ir::UnionVariant],
        new: &[crate::ir::UnionVariant],
    ) -> Vec<Change> {
        let name = self.name;
        let mut out = Vec::new();
        for v in new {
            let at = format!("{} variant {}", self.at, v.name);
            match old.iter().find(|o| o.name == v.name) {
                None => out.push(Change::new(
                    "union_variant_added",
                    at,
                    Compatible,
                    Compatible,
                    format!(
                        "alternative `{}` added to union `{name}`: deployed clients keep it as `Other(Value)`, and the enum is `#[non_exhaustive]`, so matches still compile",
                        v.name
                    ),
                )),
                Some(o) => {
                    let (was, now) = (render::ty(&o.ty, self.old), render::ty(&v.ty, self.new));
                    if was != now {
                        out.push(
                            Change::new(
                                "union_variant_type_changed",
                                at,
                                Breaking,
                                Breaking,
                                format!(
                                    "alternative `{}` of union `{name}` changed from `{was}` to `{now}`: its JSON and its Rust type both differ",
                                    v.name
                                ),
                            )
                            .values(was, now),
                        );
                    }
                }
            }
        }
        for o in old.iter().filter(|o| !new.iter().any(|v| v.name == o.name)) {
            let wire = self.used.in_request();
            out.push(Change::new(
                "union_variant_removed",
                format!("{} variant {}", self.at, o.name),
                Impact::breaking_if(wire),
                Breaking,
                format!(
                    "alternative `{}` removed from union `{name}`: {}, and code naming the variant no longer compiles",
                    o.name,
                    if wire {
                        "deployed clients may still send it and be refused"
                    } else {
                        "the server no longer sends it"
                    }
                ),
            ));
        }
        out
    }

    /// `additionalProperties` beside the named ones (the `additional_properties` field).
    fn additional(&self, old: Option<&Ty>, new: Option<&Ty>) -> Option<Change> {
        let show = |t: Option<&Ty>, space| t.map(|t| render::ty(t, space));
        let (was, now) = (show(old, self.old), show(new, self.new));
        if was == now {
            return None;
        }
        let name = self.name;
        // Losing them breaks writers; a new or other value type breaks readers of old values.
        let wire = match (&was, &now) {
            (Some(_), None) => self.used.in_request(),
            (None, Some(_)) => false,
            _ => true,
        };
        let text = |t: &Option<String>| t.clone().unwrap_or_else(|| "none".into());
        Some(
            Change::new(
                "additional_properties_changed",
                format!("{} additionalProperties", self.at),
                Impact::breaking_if(wire),
                Breaking,
                format!(
                    "the extra properties of `{name}` changed from {} to {}: the `additional_properties` field of the struct changes, so struct literals and uses of it no longer compile",
                    text(&was),
                    text(&now)
                ),
            )
            .values(text(&was), text(&now)),
        )
    }
}

/// The named fields, then the flattened unions as the required fields they are in Rust.
fn with_flattened(fields: &[Field], flattened: &[(String, Ty)]) -> Vec<Field> {
    let mut all = fields.to_vec();
    all.extend(flattened.iter().map(|(name, ty)| Field {
        name: name.clone(),
        json: format!("({name})"),
        ty: ty.clone(),
        required: true,
        nullable: false,
        default: None,
        patch_nullable: false,
        doc: None,
    }));
    all
}
