//! What a request carries: parameters and bodies. In the generated client, path parameters and
//! required ones are positional arguments of the operation's method, optional ones builder
//! methods; a body is always an argument (`emit/client.rs`). LegalContext parameters are left to
//! `operations.rs` (`legal_context_added`/`_removed`).

use super::Impact::{Breaking, Compatible};
use super::{Change, Impact, render};
use crate::ir::{Body, Operation, Param, ParamIn, TypeSpace, media_essence};

/// A parameter as a positional argument (path ones, then required ones) or a builder method.
fn positional(p: &Param) -> bool {
    p.location == ParamIn::Path || (p.required && !p.legal_context)
}

fn where_(p: &Param) -> &'static str {
    match p.location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
    }
}

/// The index of a path parameter's placeholder in the template.
fn slot(op: &Operation, p: &Param) -> Option<usize> {
    (p.location == ParamIn::Path).then(|| {
        op.path
            .split('{')
            .skip(1)
            .position(|s| s.split('}').next() == Some(p.name.as_str()))
            .unwrap_or(usize::MAX)
    })
}

/// The same parameter: the same placeholder of the template, or the same name and place
/// (header names without case).
fn same(o_op: &Operation, o: &Param, n_op: &Operation, n: &Param) -> bool {
    match (slot(o_op, o), slot(n_op, n)) {
        (Some(a), Some(b)) => a == b,
        (None, None) if o.location == n.location => {
            o.name == n.name
                || (o.location == ParamIn::Header && o.name.eq_ignore_ascii_case(&n.name))
        }
        _ => false,
    }
}

/// The parameters' changes; `at` is the operation's location.
pub fn params(
    o_op: &Operation,
    n_op: &Operation,
    at: &str,
    old: &TypeSpace,
    new: &TypeSpace,
) -> Vec<Change> {
    let olds: Vec<&Param> = o_op.params.iter().filter(|p| !p.legal_context).collect();
    let news: Vec<&Param> = n_op.params.iter().filter(|p| !p.legal_context).collect();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut taken = vec![false; news.len()];
    let mut unmatched = Vec::new();
    for (i, o) in olds.iter().enumerate() {
        match (0..news.len()).find(|&j| !taken[j] && same(o_op, o, n_op, news[j])) {
            Some(j) => {
                taken[j] = true;
                pairs.push((i, j));
            }
            None => unmatched.push(i),
        }
    }
    // Same name elsewhere: moved.
    let mut removed = Vec::new();
    for i in unmatched {
        match (0..news.len()).find(|&j| !taken[j] && news[j].name == olds[i].name) {
            Some(j) => {
                taken[j] = true;
                pairs.push((i, j));
            }
            None => removed.push(i),
        }
    }
    let mut out = Vec::new();
    for &(i, j) in &pairs {
        out.extend(param(olds[i], news[j], at, old, new));
    }
    for i in removed {
        let p = olds[i];
        let how = if positional(p) {
            "the positional argument"
        } else {
            "the builder method"
        };
        out.push(Change::new(
            "parameter_removed",
            format!("{at} parameter {}", p.name),
            Breaking,
            Breaking,
            format!(
                "{} parameter `{}` removed: deployed clients still send it, which the server may refuse, and {how} `{}` disappears",
                where_(p),
                p.name,
                p.rust
            ),
        ));
    }
    for (p, _) in news.iter().zip(&taken).filter(|(_, taken)| !**taken) {
        let change = if positional(p) {
            Change::new(
                "parameter_added",
                format!("{at} parameter {}", p.name),
                Breaking,
                Breaking,
                format!(
                    "required {} parameter `{}` added: deployed clients do not send it, and the method gains a positional argument `{}`",
                    where_(p),
                    p.name,
                    p.rust
                ),
            )
        } else {
            Change::new(
                "parameter_added",
                format!("{at} parameter {}", p.name),
                Compatible,
                Compatible,
                format!(
                    "optional {} parameter `{}` added: the request builder gains a method `{}`",
                    where_(p),
                    p.name,
                    p.rust
                ),
            )
        };
        out.push(change.now(if p.required { "required" } else { "optional" }));
    }
    out.extend(order(o_op, &olds, n_op, &news, &pairs, at));
    out
}

fn param(o: &Param, n: &Param, at: &str, old: &TypeSpace, new: &TypeSpace) -> Vec<Change> {
    let loc = format!("{at} parameter {}", n.name);
    let mut out = Vec::new();
    if o.location != n.location {
        let rust = positional(o) != positional(n);
        out.push(
            Change::new(
                "parameter_moved",
                &loc,
                Breaking,
                Impact::breaking_if(rust),
                format!(
                    "parameter `{}` moved from the {} to the {}: deployed clients send it in the wrong place{}",
                    n.name,
                    where_(o),
                    where_(n),
                    if rust {
                        ", and it changes between positional argument and builder method"
                    } else {
                        "; the Rust signature is unchanged"
                    }
                ),
            )
            .values(where_(o), where_(n)),
        );
    }
    match (positional(o), positional(n)) {
        (false, true) => out.push(
            Change::new(
                "parameter_required",
                &loc,
                Breaking,
                Breaking,
                format!(
                    "parameter `{}` became required: deployed clients may omit it, and the builder method `{}` becomes a positional argument",
                    n.name, n.rust
                ),
            )
            .values("optional", "required"),
        ),
        (true, false) => out.push(
            Change::new(
                "parameter_optional",
                &loc,
                Compatible,
                Breaking,
                format!(
                    "parameter `{}` became optional: deployed clients still send it, but the positional argument `{}` becomes a builder method",
                    n.name, o.rust
                ),
            )
            .values("required", "optional"),
        ),
        _ => {}
    }
    let (was, now) = (render::ty(&o.ty, old), render::ty(&n.ty, new));
    if was != now {
        out.push(
            Change::new(
                "parameter_type_changed",
                &loc,
                Breaking,
                Breaking,
                format!(
                    "parameter `{}` changed type from `{was}` to `{now}`: values deployed clients send may be refused, and code passing a `{was}` no longer compiles",
                    n.name
                ),
            )
            .values(was, now),
        );
    }
    out
}

/// Positional arguments of both sides appearing in another order.
fn order(
    o_op: &Operation,
    olds: &[&Param],
    n_op: &Operation,
    news: &[&Param],
    pairs: &[(usize, usize)],
    at: &str,
) -> Option<Change> {
    let args = |op: &Operation, list: &[&Param], side: fn(&(usize, usize)) -> usize| {
        let mut path: Vec<(usize, usize)> = Vec::new();
        let mut rest = Vec::new();
        for (k, pair) in pairs.iter().enumerate() {
            let p = list[side(pair)];
            let both = positional(olds[pair.0]) && positional(news[pair.1]);
            match (both, slot(op, p)) {
                (false, _) => {}
                (true, Some(s)) => path.push((s, k)),
                (true, None) => rest.push((side(pair), k)),
            }
        }
        path.sort();
        rest.sort();
        path.into_iter()
            .chain(rest)
            .map(|(_, k)| k)
            .collect::<Vec<_>>()
    };
    let before = args(o_op, olds, |p| p.0);
    let after = args(n_op, news, |p| p.1);
    (before != after).then(|| {
        let names = |order: &[usize]| {
            order
                .iter()
                .map(|&k| news[pairs[k].1].rust.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        Change::new(
            "parameters_reordered",
            format!("{at} parameters"),
            Compatible,
            Breaking,
            format!(
                "the method's positional arguments changed order ({} → {}): code passing them in the old order no longer compiles or, worse, passes one for another",
                names(&before),
                names(&after)
            ),
        )
    })
}

/// The request bodies' changes, by media type.
pub fn bodies(
    o: &Operation,
    n: &Operation,
    at: &str,
    old: &TypeSpace,
    new: &TypeSpace,
) -> Vec<Change> {
    let loc = format!("{at} request body");
    let (Some(first_o), Some(first_n)) = (o.body(), n.body()) else {
        return match (o.body(), n.body()) {
            (None, Some(b)) => vec![Change::new(
                "request_body_added",
                loc,
                Impact::breaking_if(b.required),
                Breaking,
                format!(
                    "{} request body `{}` added: {}, and the method gains a `body` argument",
                    if b.required {
                        "a required"
                    } else {
                        "an optional"
                    },
                    render::body(b, new),
                    if b.required {
                        "deployed clients do not send it"
                    } else {
                        "deployed clients may go on without it"
                    }
                ),
            )],
            (Some(b), None) => vec![Change::new(
                "request_body_removed",
                loc,
                Breaking,
                Breaking,
                format!(
                    "the request body `{}` was removed: deployed clients still send one, and the method loses its `body` argument",
                    render::body(b, old)
                ),
            )],
            _ => Vec::new(),
        };
    };
    let mut out = Vec::new();
    match (first_o.required, first_n.required) {
        (false, true) => out.push(Change::new(
            "request_body_required",
            &loc,
            Breaking,
            Compatible,
            "the request body became required: deployed clients may send none, while the method already takes it",
        )),
        (true, false) => out.push(Change::new(
            "request_body_optional",
            &loc,
            Compatible,
            Compatible,
            "the request body became optional: what deployed clients send is still accepted",
        )),
        _ => {}
    }
    let find = |list: &'_ [Body], m: &str| {
        list.iter()
            .find(|b| media_essence(&b.media_type) == media_essence(m))
            .cloned()
    };
    let preferred_changed =
        media_essence(&first_o.media_type) != media_essence(&first_n.media_type);
    for b in &n.bodies {
        let media = &b.media_type;
        let Some(before) = find(&o.bodies, media) else {
            let rust = if preferred_changed && b.fn_name == n.fn_name {
                format!(
                    "it becomes the one `{}` sends, so that method's `body` argument changes type",
                    n.fn_name
                )
            } else {
                format!("it gets its own method `{}`", b.fn_name)
            };
            out.push(Change::new(
                "media_type_added",
                format!("{loc} {media}"),
                Compatible,
                Impact::breaking_if(preferred_changed && b.fn_name == n.fn_name),
                format!("the request body may now be sent as `{media}`: {rust}"),
            ));
            continue;
        };
        let (was, now) = (render::body(&before, old), render::body(b, new));
        if was != now {
            out.push(
                Change::new(
                    "request_body_type_changed",
                    format!("{loc} {media}"),
                    Breaking,
                    Breaking,
                    format!(
                        "the `{media}` request body changed from `{was}` to `{now}`: what deployed clients send may be refused, and code passing a `{was}` no longer compiles"
                    ),
                )
                .values(was, now),
            );
        }
    }
    for b in o
        .bodies
        .iter()
        .filter(|b| find(&n.bodies, &b.media_type).is_none())
    {
        out.push(Change::new(
            "media_type_removed",
            format!("{loc} {}", b.media_type),
            Breaking,
            Breaking,
            format!(
                "the request body can no longer be sent as `{}`: deployed clients sending it are refused, and the method `{}` no longer sends it",
                b.media_type, b.fn_name
            ),
        ));
    }
    out
}
