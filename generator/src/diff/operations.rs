//! Operations: matched by method and path template (placeholders compared by position, so a
//! renamed path parameter is the same operation), then their names, deprecation, scopes,
//! LegalContext and answers; parameters and bodies are `requests.rs`.

use std::collections::BTreeMap;

use super::Impact::{Breaking, Compatible};
use super::{Change, Impact, render, requests};
use crate::ir::{Answer, Api, Operation};

/// Every operation-level change from `old` to `new`.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut out = Vec::new();
    if old.base_path != new.base_path {
        out.push(
            Change::new(
                "base_path_changed",
                "servers",
                Breaking,
                Compatible,
                format!(
                    "the base path moved from `{}` to `{}`: deployed clients call URLs that are no longer served",
                    old.base_path, new.base_path
                ),
            )
            .values(&old.base_path, &new.base_path),
        );
    }
    let old_ops = by_key(old);
    let new_ops = by_key(new);
    for (key, o) in &old_ops {
        match new_ops.get(key) {
            Some(n) => out.extend(operation(old, o, new, n)),
            None => out.push(
                Change::new(
                    "operation_removed",
                    location(o),
                    Breaking,
                    Breaking,
                    format!(
                        "operation `{}` removed: deployed clients calling it are refused and `Client::{}` no longer exists",
                        o.id, o.fn_name
                    ),
                ),
            ),
        }
    }
    for (key, n) in &new_ops {
        if !old_ops.contains_key(key) {
            out.push(Change::new(
                "operation_added",
                location(n),
                Compatible,
                Compatible,
                format!(
                    "operation `{}` added as `Client::{}`: nothing that exists changes",
                    n.id, n.fn_name
                ),
            ));
        }
    }
    out
}

/// `GET /persons/{ssinRef}`.
pub fn location(op: &Operation) -> String {
    format!("{} {}", op.method, op.path)
}

/// Operations by method and path with placeholders blanked (`GET /persons/{}`).
fn by_key(api: &Api) -> BTreeMap<(String, String), &Operation> {
    api.operations
        .iter()
        .map(|op| ((op.method.clone(), blank_placeholders(&op.path)), op))
        .collect()
}

fn blank_placeholders(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            c => out.push(c),
        }
    }
    out
}

/// The changes of one operation present on both sides.
fn operation(old_api: &Api, o: &Operation, new_api: &Api, n: &Operation) -> Vec<Change> {
    let at = location(n);
    let mut out = Vec::new();
    if o.fn_name != n.fn_name {
        out.push(
            Change::new(
                "operation_renamed",
                &at,
                Compatible,
                Breaking,
                format!(
                    "the operation's generated method was renamed from `{}` to `{}` (operationId `{}` → `{}`): the request on the wire is the same, but code calling `Client::{}` no longer compiles",
                    o.fn_name, n.fn_name, o.id, n.id, o.fn_name
                ),
            )
            .values(&o.fn_name, &n.fn_name),
        );
    }
    if !o.deprecated && n.deprecated {
        out.push(Change::new(
            "operation_deprecated",
            &at,
            Compatible,
            Compatible,
            format!(
                "operation `{}` is deprecated: it still works, and `Client::{}` gains `#[deprecated]` (a warning, not an error)",
                n.id, n.fn_name
            ),
        ));
    }
    out.extend(scopes(o, n, &at));
    out.extend(legal_context(o, n, &at));
    out.extend(requests::params(o, n, &at, &old_api.types, &new_api.types));
    out.extend(requests::bodies(o, n, &at, &old_api.types, &new_api.types));
    out.extend(answers(old_api, o, new_api, n, &at));
    out
}

fn scopes(o: &Operation, n: &Operation, at: &str) -> Vec<Change> {
    let mut out = Vec::new();
    for s in n.scopes.iter().filter(|s| !o.scopes.contains(s)) {
        out.push(Change::new(
            "scope_added",
            format!("{at} scope {s}"),
            Breaking,
            Compatible,
            format!(
                "the operation now needs scope `{s}`: a partner whose client-id was not granted it is refused, though the Rust API is unchanged"
            ),
        ));
    }
    for s in o.scopes.iter().filter(|s| !n.scopes.contains(s)) {
        out.push(Change::new(
            "scope_removed",
            format!("{at} scope {s}"),
            Compatible,
            Compatible,
            format!("the operation no longer needs scope `{s}`: tokens that carry it still work"),
        ));
    }
    out
}

/// Whether an operation carries a LegalContext, and whether as a parameter (which the request
/// builder sets with `legal_context(…)`) rather than a body property.
fn legal_context_of(op: &Operation) -> Option<bool> {
    let param = op.params.iter().any(|p| p.legal_context);
    (param || op.bodies.iter().any(|b| b.legal_context_field.is_some())).then_some(param)
}

fn legal_context(o: &Operation, n: &Operation, at: &str) -> Option<Change> {
    match (legal_context_of(o), legal_context_of(n)) {
        (None, Some(param)) => Some(Change::new(
            "legal_context_added",
            format!("{at} legal context"),
            Breaking,
            Compatible,
            if param {
                "the operation now takes a LegalContext parameter: deployed clients do not send one and are refused; the request builder gains a `legal_context` setter (the client's default from the annex applies)"
            } else {
                "the operation's body now carries a LegalContext: deployed clients do not send one and are refused (the body property itself is reported on its type)"
            },
        )),
        (Some(param), None) => Some(Change::new(
            "legal_context_removed",
            format!("{at} legal context"),
            Compatible,
            Impact::breaking_if(param),
            if param {
                "the operation no longer takes a LegalContext parameter: the server ignores it, but the request builder's `legal_context` setter disappears"
            } else {
                "the operation's body no longer carries a LegalContext: the server ignores it (the body property itself is reported on its type)"
            },
        )),
        _ => None,
    }
}

fn answers(old_api: &Api, o: &Operation, new_api: &Api, n: &Operation, at: &str) -> Vec<Change> {
    let mut out = Vec::new();
    let (old_out, new_out) = (
        render::output(o, &old_api.types),
        render::output(n, &new_api.types),
    );
    let output_changed = old_out != new_out;
    let output_note = if new_out == "enum" {
        format!(
            "`send()` now returns the response enum `{}Response` instead of `{old_out}`",
            n.type_name
        )
    } else {
        format!("`send()` now returns `{new_out}` instead of `{old_out}`")
    };
    let find = |list: &'_ [Answer], key: &str| list.iter().find(|a| a.key == key).cloned();
    for a in &n.success {
        let Some(before) = find(&o.success, &a.key) else {
            let status = a.matches.typical();
            // Old clients accept any 2xx when nothing was documented, and any status of a range.
            let covered = o.success.is_empty()
                || o.success.iter().any(|b| {
                    let (lo, hi) = b.matches.bounds();
                    let (first, last) = a.matches.bounds();
                    lo <= first && last <= hi
                });
            let wire = if covered {
                "deployed clients already accept it".to_owned()
            } else {
                format!("deployed clients treat a {status} answer as an unexpected status")
            };
            let rust = if output_changed {
                output_note.clone()
            } else {
                "the response enum is `#[non_exhaustive]`, so code matching it still compiles"
                    .to_owned()
            };
            out.push(Change::new(
                "response_added",
                format!("{at} response {}", a.key),
                Impact::breaking_if(!covered),
                Impact::breaking_if(output_changed),
                format!("success response `{}` added: {wire}; {rust}", a.key),
            ));
            continue;
        };
        let t = |x: &Answer, space| {
            x.ty.as_ref()
                .map_or_else(|| "no body".into(), |t| render::ty(t, space))
        };
        let (was, now) = (t(&before, &old_api.types), t(a, &new_api.types));
        if was != now {
            out.push(
                Change::new(
                    "response_type_changed",
                    format!("{at} response {}", a.key),
                    Breaking,
                    Breaking,
                    format!(
                        "the body of response `{}` changed from `{was}` to `{now}`: deployed clients cannot decode it and code using the old type no longer compiles",
                        a.key
                    ),
                )
                .values(was, now),
            );
        }
    }
    for a in o
        .success
        .iter()
        .filter(|a| find(&n.success, &a.key).is_none())
    {
        let rust = if output_changed {
            output_note.clone()
        } else if new_out == "enum" {
            format!("the `{}` variant of the response enum disappears", a.name)
        } else {
            "the type `send()` returns is unchanged".to_owned()
        };
        out.push(Change::new(
            "response_removed",
            format!("{at} response {}", a.key),
            Compatible,
            Impact::breaking_if(output_changed || new_out == "enum"),
            format!(
                "success response `{}` removed: the server no longer sends it, which deployed clients survive; {rust}",
                a.key
            ),
        ));
    }
    out
}
