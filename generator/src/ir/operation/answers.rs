//! Success answers: exact statuses, `2XX` ranges, and `default` when nothing else documents
//! success.

use serde_json::Value;

use super::super::schema::{TypeSpace, doc_of};
use super::super::ty::Ty;
use super::{Answer, BodyKind, StatusMatch, classify};
use crate::diag::Diagnostic;
use crate::load::{Contract, Loc};

fn status_name(status: u16) -> String {
    match status {
        200 => "Ok".into(),
        201 => "Created".into(),
        202 => "Accepted".into(),
        204 => "NoContent".into(),
        206 => "PartialContent".into(),
        301 => "MovedPermanently".into(),
        302 => "Found".into(),
        303 => "SeeOther".into(),
        304 => "NotModified".into(),
        307 => "TemporaryRedirect".into(),
        n => format!("Status{n}"),
    }
}

/// `200` → exact; `2XX` → range; anything else (including `default`) → `None`.
fn status_key(key: &str) -> Option<StatusMatch> {
    if let Ok(status) = key.parse::<u16>() {
        return Some(StatusMatch::Exact(status));
    }
    match key.as_bytes() {
        [d @ b'1'..=b'5', x, y]
            if x.eq_ignore_ascii_case(&b'X') && y.eq_ignore_ascii_case(&b'X') =>
        {
            Some(StatusMatch::Range(u16::from(d - b'0')))
        }
        _ => None,
    }
}

pub(super) fn answers(
    c: &Contract,
    types: &mut TypeSpace,
    op: &Loc,
    owner: &str,
) -> Result<Vec<Answer>, Diagnostic> {
    let responses = op.child("responses");
    let Some(Value::Object(map)) = c.get(&responses) else {
        return Err(c.error(op, "operation without `responses`"));
    };
    let mut keyed: Vec<(StatusMatch, String)> = map
        .keys()
        .filter_map(|k| Some((status_key(k)?, k.clone())))
        .filter(|(m, _)| m.bounds().0 < 400)
        .collect();
    // Exact statuses first, then ranges: the match arms are tried in that order.
    keyed.sort_by_key(|(m, _)| (matches!(m, StatusMatch::Range(_)), m.bounds()));
    // `2XX` beside `2xx` would be the same arm twice.
    keyed.dedup_by_key(|(m, _)| *m);
    if keyed.is_empty() && map.contains_key("default") {
        // Nothing else documents success: `default` is the answer to any 2xx.
        keyed.push((StatusMatch::Default, "default".into()));
    }
    let mut out = Vec::new();
    for (matches, key) in keyed {
        let (loc, r) = c.resolve(&responses.child(&key))?;
        let name = match matches {
            StatusMatch::Exact(status) => status_name(status),
            StatusMatch::Range(r) => format!("Status{r}xx"),
            StatusMatch::Default => "Success".into(),
        };
        let ty = match r.get("content").and_then(Value::as_object) {
            None => None,
            Some(content) => {
                let media = content
                    .keys()
                    .find(|m| matches!(classify(m), BodyKind::Json | BodyKind::MergePatch))
                    .or_else(|| content.keys().next())
                    .cloned()
                    .unwrap_or_default();
                let schema = loc.child("content").child(&media).child("schema");
                Some(match classify(&media) {
                    BodyKind::Json | BodyKind::MergePatch if c.get(&schema).is_some() => {
                        types.ty(c, &schema, &format!("{owner}{name}"))?
                    }
                    BodyKind::Json | BodyKind::MergePatch => Ty::Json,
                    _ => Ty::Binary,
                })
            }
        };
        out.push(Answer {
            matches,
            key,
            name,
            ty,
            doc: doc_of(r),
        });
    }
    Ok(out)
}
