//! A struct's properties (matched by JSON name) and a validated string's constraints. Generated
//! structs are `#[non_exhaustive]`, built with `new` (the required properties) and `with_…`
//! setters (the optional ones, `emit/builders.rs`): a new optional property is a new setter, while
//! a property entering or leaving `new`'s parameters, or changing its Rust type, breaks callers.

use super::super::Impact::{Breaking, Compatible};
use super::super::{Change, Impact, render};
use super::Cx;
use crate::emit::in_constructor;
use crate::ir::Field;

/// How a field's value is wrapped in Rust (`emit/types.rs` `emit_field`).
fn wrapper(f: &Field) -> &'static str {
    if f.patch_nullable {
        "Option<Option<T>>"
    } else if f.required && !f.nullable {
        "T"
    } else {
        "Option<T>"
    }
}

impl Cx<'_> {
    pub(super) fn fields(&self, old: &[Field], new: &[Field]) -> Vec<Change> {
        let name = self.name;
        let mut out = Vec::new();
        for n in new {
            let Some(o) = old.iter().find(|o| o.json == n.json) else {
                out.push(self.added(n));
                continue;
            };
            out.extend(self.field(o, n));
        }
        out.extend(self.constructor_order(old, new));
        for o in old.iter().filter(|o| !new.iter().any(|n| n.json == o.json)) {
            let (wire, why) = if self.used.in_request() {
                (
                    true,
                    "deployed clients still send it and the server may refuse an unknown property",
                )
            } else if o.required {
                (
                    true,
                    "deployed clients fail to decode answers without this required property",
                )
            } else {
                (false, "deployed clients read it as absent")
            };
            out.push(Change::new(
                "property_removed",
                format!("{}.{}", self.at, o.json),
                Impact::breaking_if(wire),
                Breaking,
                format!(
                    "property `{}` removed from `{name}`: {why}, and code using the field `{}` no longer compiles",
                    o.json, o.name
                ),
            ));
        }
        out
    }

    /// `new` takes the required properties in contract order: the same ones in another order
    /// break callers (silently, when two have the same type).
    fn constructor_order(&self, old: &[Field], new: &[Field]) -> Option<Change> {
        let order = |fields: &[Field], other: &[Field]| -> Vec<String> {
            fields
                .iter()
                .filter(|f| in_constructor(f))
                .filter(|f| other.iter().any(|o| o.json == f.json && in_constructor(o)))
                .map(|f| f.json.clone())
                .collect()
        };
        let (before, after) = (order(old, new), order(new, old));
        (before != after).then(|| {
            Change::new(
                "constructor_reordered",
                format!("{} new", self.at),
                Compatible,
                Breaking,
                format!(
                    "the required properties of `{}` changed order ({} → {}), and `{}::new` takes them in that order: calls in the old order no longer compile or, worse, pass one for another",
                    self.name,
                    before.join(", "),
                    after.join(", "),
                    self.name
                ),
            )
        })
    }

    fn added(&self, n: &Field) -> Change {
        let name = self.name;
        let required = n.required;
        let wire = required && self.used.in_request();
        let why = if wire {
            "deployed clients do not send it"
        } else if self.used.in_request() {
            "deployed clients may go on without it"
        } else {
            "deployed clients ignore it"
        };
        let rust = if in_constructor(n) {
            format!("and `{name}::new` takes it, so existing calls no longer compile")
        } else {
            format!(
                "and `{name}` gains a `with_{}` setter (the struct is `#[non_exhaustive]`: nothing that compiled breaks)",
                n.name.trim_start_matches("r#")
            )
        };
        Change::new(
            "property_added",
            format!("{}.{}", self.at, n.json),
            Impact::breaking_if(wire),
            Impact::breaking_if(in_constructor(n)),
            format!(
                "{} property `{}` added to `{name}`: {why}, {rust}",
                if required { "required" } else { "optional" },
                n.json
            ),
        )
        .now(if required { "required" } else { "optional" })
    }

    fn field(&self, o: &Field, n: &Field) -> Vec<Change> {
        let name = self.name;
        let at = format!("{}.{}", self.at, n.json);
        let mut out = Vec::new();
        let rust =
            Impact::breaking_if(wrapper(o) != wrapper(n) || in_constructor(o) != in_constructor(n));
        let rust_note = if wrapper(o) != wrapper(n) {
            format!(
                "the field changes from `{}` to `{}`",
                wrapper(o),
                wrapper(n)
            )
        } else if in_constructor(o) != in_constructor(n) {
            format!(
                "it {} `{name}::new`'s parameters",
                if in_constructor(n) { "joins" } else { "leaves" }
            )
        } else {
            "the Rust field type is unchanged".to_owned()
        };
        let request = self.used.in_request();
        let response = self.used.in_response();
        match (o.required, n.required) {
            (false, true) => out.push(
                Change::new(
                    "property_required",
                    &at,
                    Impact::breaking_if(request),
                    rust,
                    format!(
                        "property `{}` of `{name}` became required: {}; {rust_note}",
                        n.json,
                        if request {
                            "deployed clients may omit it and be refused"
                        } else {
                            "answers always carry it now"
                        }
                    ),
                )
                .values("optional", "required"),
            ),
            (true, false) => out.push(
                Change::new(
                    "property_optional",
                    &at,
                    Impact::breaking_if(response),
                    rust,
                    format!(
                        "property `{}` of `{name}` became optional: {}; {rust_note}",
                        n.json,
                        if response {
                            "deployed clients fail to decode answers without it"
                        } else {
                            "what deployed clients send is still accepted"
                        }
                    ),
                )
                .values("required", "optional"),
            ),
            _ => {
                let nullable = |f: &Field| f.nullable || f.patch_nullable;
                if nullable(o) != nullable(n) {
                    // A reader of a required value meets `null`; a writer of `null` is refused.
                    let wire = if nullable(n) {
                        response && n.required
                    } else {
                        request && o.required
                    };
                    out.push(
                        Change::new(
                            "property_nullable_changed",
                            &at,
                            Impact::breaking_if(wire),
                            rust,
                            format!(
                                "property `{}` of `{name}` {} `null`: {}; {rust_note}",
                                n.json,
                                if nullable(n) {
                                    "now accepts"
                                } else {
                                    "no longer accepts"
                                },
                                if wire {
                                    "deployed clients meet or send a `null` the other side refuses"
                                } else {
                                    "deployed clients are not affected"
                                }
                            ),
                        )
                        .values(nullable(o).to_string(), nullable(n).to_string()),
                    );
                }
            }
        }
        let (was, now) = (render::ty(&o.ty, self.old), render::ty(&n.ty, self.new));
        if was != now {
            out.push(
                Change::new(
                    "property_type_changed",
                    &at,
                    Breaking,
                    Breaking,
                    format!(
                        "property `{}` of `{name}` changed type from `{was}` to `{now}`: its JSON values differ, and code using it as `{was}` no longer compiles",
                        n.json
                    ),
                )
                .values(was, now),
            );
        }
        out
    }
}

/// A validated string's `pattern`, `minLength`, `maxLength`.
type Constraints<'a> = (&'a Option<String>, &'a Option<u64>, &'a Option<u64>);

/// Constraint changes keep the Rust type; a narrower one breaks writers (deployed clients send
/// what the old rule allowed). Generated newtypes do not check values they decode, so readers
/// are never broken.
pub(super) fn constraints(cx: &Cx, old: Constraints, new: Constraints) -> Vec<Change> {
    let name = cx.name;
    let mut out = Vec::new();
    let show = |v: Option<String>| v.unwrap_or_else(|| "none".into());
    let mut push = |what: &str, was: Option<String>, now: Option<String>, narrower: bool| {
        let wire = narrower && cx.used.in_request();
        out.push(
            Change::new(
                "property_format_changed",
                format!("{} {what}", cx.at),
                Impact::breaking_if(wire),
                Compatible,
                format!(
                    "the {what} of `{name}` changed from `{}` to `{}`: {}; the Rust type is the same",
                    show(was.clone()),
                    show(now.clone()),
                    if wire {
                        "values deployed clients send may now be refused"
                    } else if narrower {
                        "narrower, but only answers carry it and decoding does not check it"
                    } else {
                        "wider, so what was valid stays valid"
                    }
                ),
            )
            .values(show(was), show(now)),
        );
    };
    if old.0 != new.0 {
        // Any new or different pattern may refuse what the old one allowed.
        push("pattern", old.0.clone(), new.0.clone(), new.0.is_some());
    }
    let text = |n: &Option<u64>| n.map(|n| n.to_string());
    if old.1 != new.1 {
        let narrower = new.1.unwrap_or(0) > old.1.unwrap_or(0);
        push("minLength", text(old.1), text(new.1), narrower);
    }
    if old.2 != new.2 {
        let narrower = new.2.unwrap_or(u64::MAX) < old.2.unwrap_or(u64::MAX);
        push("maxLength", text(old.2), text(new.2), narrower);
    }
    out
}
