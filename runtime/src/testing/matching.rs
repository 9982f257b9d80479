//! Whether a live request is a recorded one: both go through the recorder's redaction with
//! every SSIN replaced by a marker and collected, then the shapes are compared and the live
//! SSINs bound to the recorded pseudonyms at the same places.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::Value;
use url::Url;

use super::recording::{Body, RecordedRequest};
use super::redact::{Found, Redactor, SsinSink, is_pseudonym};
use crate::transport::TransportRequest;

/// A request with its SSINs replaced by markers, and those SSINs with where they were.
pub(crate) struct Shape {
    pub(crate) request: RecordedRequest,
    ssins: Vec<(String, String)>,
}

/// Collects SSINs. `bound` are the live SSINs already bound, which count as SSINs even with
/// wrong check digits outside an `ssin` key (as the recorder did with mistyped ones).
struct Collector<'a> {
    gateway: Option<String>,
    bound: Option<&'a HashMap<String, String>>,
    found: Vec<(String, String)>,
}

impl SsinSink for Collector<'_> {
    fn gateway(&self) -> Option<&str> {
        self.gateway.as_deref()
    }

    fn replace(&mut self, digits: &str, found: Found, at: &str) -> Option<String> {
        let marker = match found {
            Found::Valid => "{ssin}",
            Found::Mistyped => "{ssin?}",
            Found::Other if is_pseudonym(digits) => "{ssin?}",
            Found::Other if self.bound.is_some_and(|b| b.contains_key(digits)) => "{ssin?}",
            Found::Other => return None,
        };
        self.found.push((digits.to_owned(), at.to_owned()));
        Some(marker.into())
    }
}

impl Shape {
    pub(crate) fn live(
        request: &TransportRequest,
        redactor: &Redactor,
        bound: &HashMap<String, String>,
    ) -> Self {
        let mut sink = Collector {
            gateway: super::redact::gateway_of(request),
            bound: Some(bound),
            found: Vec::new(),
        };
        let request = RecordedRequest::redacted(request, redactor, &mut sink);
        Self {
            request,
            ssins: sink.found,
        }
    }

    /// The shape of a recorded request: rebuilt as a transport request and walked the same way.
    pub(crate) fn recorded(recorded: &RecordedRequest, redactor: &Redactor) -> Self {
        let mut url = Url::parse("https://replay.invalid/").unwrap_or_else(|_| unreachable!());
        if !recorded.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&recorded.query);
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &recorded.headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(n, v);
            }
        }
        let body = recorded
            .body
            .as_ref()
            .map(Body::bytes)
            .filter(|b| !b.is_empty());
        let request = TransportRequest {
            method: recorded.method.parse().unwrap_or(Method::GET),
            url,
            headers,
            body,
            timeout: std::time::Duration::ZERO,
            operation: None,
            path_template: String::new(),
            path: recorded.path.clone(),
            legal_context: None,
            attempt: 1,
            scopes: Vec::new(),
        };
        let mut sink = Collector {
            gateway: None,
            bound: None,
            found: Vec::new(),
        };
        let mut request_shape = RecordedRequest::redacted(&request, redactor, &mut sink);
        if let Some(omitted @ Body::Omitted(_)) = &recorded.body {
            request_shape.body = Some(omitted.clone());
        }
        Self {
            request: request_shape,
            ssins: sink.found,
        }
    }
}

/// How far a candidate matched, to pick the closest one for the message.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    Path,
    Query,
    Headers,
    Body,
    Ssins,
}

/// The live SSINs to bind, each to its recorded pseudonym.
pub(crate) type Bindings = Vec<(String, String)>;

/// Whether `live` is `recorded`, given the bindings so far (`bound`: live → pseudonym,
/// `taken`: pseudonym → live). The difference says where, never what (no personal data).
pub(crate) fn compare(
    live: &Shape,
    recorded: &Shape,
    bound: &HashMap<String, String>,
    taken: &HashMap<String, String>,
) -> Result<Bindings, (Stage, String)> {
    let (l, r) = (&live.request, &recorded.request);
    if l.path != r.path {
        return Err((
            Stage::Path,
            format!("the path differs (recorded `{}`)", r.path),
        ));
    }
    if l.query != r.query {
        let at = l
            .query
            .iter()
            .zip(&r.query)
            .find(|(a, b)| a != b)
            .map(|(a, b)| {
                if a.0 == b.0 {
                    format!("parameter `{}` differs", b.0)
                } else {
                    format!("parameter `{}` where `{}` was recorded", a.0, b.0)
                }
            })
            .unwrap_or_else(|| {
                format!(
                    "{} parameter(s) where {} were recorded",
                    l.query.len(),
                    r.query.len()
                )
            });
        return Err((Stage::Query, format!("the query differs: {at}")));
    }
    if let Some(at) = header_difference(&l.headers, &r.headers) {
        return Err((Stage::Headers, at));
    }
    if let Some(at) = body_difference(l.body.as_ref(), r.body.as_ref()) {
        return Err((Stage::Body, at));
    }
    let mut tentative: Bindings = Vec::new();
    for ((live, at), (pseudonym, _)) in live.ssins.iter().zip(&recorded.ssins) {
        let earlier = bound
            .get(live)
            .or_else(|| tentative.iter().find(|(l, _)| l == live).map(|(_, p)| p));
        let fail = |why: &str| Err((Stage::Ssins, format!("the SSIN at {at} {why}")));
        if is_pseudonym(live) {
            if live != pseudonym {
                return fail("is a pseudonym other than the recorded one");
            }
        } else if let Some(earlier) = earlier {
            if earlier != pseudonym {
                return fail("was bound earlier in the session to another recorded SSIN");
            }
        } else if taken.contains_key(pseudonym) || tentative.iter().any(|(_, p)| p == pseudonym) {
            return fail("is recorded as an SSIN bound earlier to another live one");
        } else {
            tentative.push((live.clone(), pseudonym.clone()));
        }
    }
    Ok(tentative)
}

/// Headers that differ on every run (trace context) are not the request's meaning; the rest —
/// `LegalContext`, `If-None-Match`, `Accept-Language`, a partner's own — is.
const VOLATILE_HEADERS: [&str; 5] = [
    "belgov-trace-id",
    "traceparent",
    "tracestate",
    "baggage",
    "date",
];

/// The first header that differs, by name only (values may be personal data).
fn header_difference(
    live: &BTreeMap<String, String>,
    recorded: &BTreeMap<String, String>,
) -> Option<String> {
    let meaningful = |(name, _): &(&String, &String)| !VOLATILE_HEADERS.contains(&name.as_str());
    let names: BTreeSet<&String> = live
        .iter()
        .filter(meaningful)
        .chain(recorded.iter().filter(meaningful))
        .map(|(name, _)| name)
        .collect();
    names
        .into_iter()
        .find_map(|name| match (live.get(name), recorded.get(name)) {
            (Some(a), Some(b)) if a == b => None,
            (Some(_), Some(_)) => Some(format!("header `{name}` differs")),
            (Some(_), None) => Some(format!("header `{name}` was sent where none was recorded")),
            (None, _) => Some(format!("header `{name}` was recorded and not sent")),
        })
}

fn body_difference(live: Option<&Body>, recorded: Option<&Body>) -> Option<String> {
    match (live, recorded) {
        (None, None) => None,
        (Some(_), None) => Some("a body was sent where none was recorded".into()),
        (None, Some(_)) => Some("no body was sent where one was recorded".into()),
        (Some(Body::Json(a)), Some(Body::Json(b))) => {
            json_difference(a, b, "").map(|at| format!("the body differs at `{at}`"))
        }
        (Some(Body::Omitted(_)), Some(Body::Omitted(_))) => None,
        (Some(a), Some(b)) if a == b => None,
        (Some(a), Some(b)) => Some(format!(
            "the body differs ({} sent, {} recorded)",
            kind(a),
            kind(b)
        )),
    }
}

fn kind(body: &Body) -> &'static str {
    match body {
        Body::Json(_) => "JSON",
        Body::Text(_) => "text",
        Body::Base64(_) | Body::Omitted(_) => "binary",
    }
}

/// The JSON pointer of the first difference (object members compared whatever their order).
fn json_difference(a: &Value, b: &Value, pointer: &str) -> Option<String> {
    let here = || {
        Some(if pointer.is_empty() {
            "/".into()
        } else {
            pointer.to_owned()
        })
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in y {
                let child = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                match x.get(k) {
                    Some(w) => {
                        if let Some(at) = json_difference(w, v, &child) {
                            return Some(at);
                        }
                    }
                    None => return Some(child),
                }
            }
            x.keys()
                .find(|k| !y.contains_key(*k))
                .map(|k| format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if let Some(at) = json_difference(v, w, &format!("{pointer}/{i}")) {
                    return Some(at);
                }
            }
            (x.len() != y.len()).then(|| format!("{pointer}/{}", x.len().min(y.len())))
        }
        _ if a == b => None,
        _ => here(),
    }
}
