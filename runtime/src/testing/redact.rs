//! What never reaches a recording: secrets are removed, SSINs pseudonymised, names and
//! addresses masked. The same walk serves the recorder (which writes pseudonyms) and the
//! replayer (which collects the SSINs of a live request to bind them to recorded pseudonyms).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::LazyLock;

use http::HeaderMap;
use regex::Regex;
use serde_json::{Map, Value};

/// What a masked name or address becomes: one fixed value, so a replayed request with a
/// (masked) name still matches the recorded one.
pub(crate) const MASK: &str = "REDACTED";
const JWT_MASK: &str = "REDACTED-JWT";
const PEM_MASK: &str = "REDACTED-KEY-MATERIAL";

/// Headers never written: credentials and session cookies.
const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "cookie",
    "set-cookie",
    "proxy-authorization",
];
/// Headers describing the bytes on the wire, wrong once a JSON body is written again.
const WIRE_HEADERS: [&str; 4] = [
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
];

static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*").expect("valid regex")
});
// `[0-9]`, not `\d`: Unicode digits are no SSIN.
static DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[0-9]+").expect("valid regex"));

/// Pseudonyms are `9999nnnnn` + check digits: month 99 is no birth month (bis numbers stop at
/// 52), so a pseudonym can never be a real person's SSIN, and a reviewer recognises it.
const PSEUDONYM_BASE: u64 = 999_900_000;

/// The `n`-th pseudonym (from 1), with valid check digits or with `00`, which are never valid
/// (`97 - x % 97` is between 1 and 97).
pub(crate) fn pseudonym(n: u64, valid: bool) -> String {
    let first9 = PSEUDONYM_BASE + n;
    let check = if valid { 97 - first9 % 97 } else { 0 };
    format!("{first9:09}{check:02}")
}

pub(crate) fn is_pseudonym(digits: &str) -> bool {
    digits.len() == 11 && digits.starts_with("9999") && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_eleven_digits(s: &str) -> bool {
    s.len() == 11 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_valid_ssin(s: &str) -> bool {
    crate::types::Ssin::new(s).is_ok()
}

/// An 11-digit run found by the walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// Valid check digits.
    Valid,
    /// Wrong check digits, the whole value of a key containing `ssin`: a mistyped SSIN.
    Mistyped,
    /// Wrong check digits elsewhere: an SSIN only if seen as a mistyped one before (a problem
    /// echoing the refused value).
    Other,
}

/// Decides what an 11-digit run becomes.
pub(crate) trait SsinSink {
    /// The replacement of `digits`, found at `at` (`path`, `query "x"`, `body /ssins/0`), or
    /// `None` to keep them.
    fn replace(&mut self, digits: &str, found: Found, at: &str) -> Option<String>;

    /// The gateway prefix of the exchange (`https://host:port`), written as [`GATEWAY`] so
    /// that links replay in any environment and the file does not change with the port.
    fn gateway(&self) -> Option<&str> {
        None
    }
}

/// What the gateway prefix becomes in a recording.
pub(crate) const GATEWAY: &str = "https://gateway.invalid";

/// The gateway prefix of `request`: its URL without the query, less its path.
pub(crate) fn gateway_of(request: &crate::transport::TransportRequest) -> Option<String> {
    let mut url = request.url.clone();
    url.set_query(None);
    let url = url.as_str();
    let prefix = url
        .strip_suffix(request.path.as_str())?
        .trim_end_matches('/');
    (!prefix.is_empty()).then(|| prefix.to_owned())
}

/// The recorder's sink: the same SSIN always becomes the same pseudonym, numbered in order of
/// first appearance (so the same session gives the same file).
#[derive(Default)]
pub(crate) struct Pseudonyms {
    pub(crate) gateway: Option<String>,
    by_ssin: HashMap<String, String>,
    valid: u64,
    mistyped: u64,
}

impl fmt::Debug for Pseudonyms {
    // The map's keys are real SSINs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pseudonyms")
            .field("valid", &self.valid)
            .field("mistyped", &self.mistyped)
            .finish()
    }
}

impl SsinSink for Pseudonyms {
    fn gateway(&self) -> Option<&str> {
        self.gateway.as_deref()
    }

    fn replace(&mut self, digits: &str, found: Found, _at: &str) -> Option<String> {
        if is_pseudonym(digits) {
            return None;
        }
        if let Some(known) = self.by_ssin.get(digits) {
            return Some(known.clone());
        }
        let next = match found {
            Found::Other => return None,
            Found::Valid => {
                self.valid += 1;
                pseudonym(self.valid, true)
            }
            Found::Mistyped => {
                self.mistyped += 1;
                pseudonym(self.mistyped, false)
            }
        };
        self.by_ssin.insert(digits.to_owned(), next.clone());
        Some(next)
    }
}

/// Removes secrets and personal data from what a [`super::Recorder`] writes, and applies the
/// same rules to live requests in a [`super::Replayer`] (so both must use the same settings).
///
/// - Headers `Authorization`, `Cookie`, `Set-Cookie`, `Proxy-Authorization` and any header
///   whose value holds a JWT are dropped; a JWT anywhere else becomes `REDACTED-JWT`, a PEM
///   block `REDACTED-KEY-MATERIAL`.
/// - SSINs (11 digits with valid modulo-97 check digits, a whole string or a run not touching
///   other digits) in the path, the query, header values, JSON keys and strings, and text
///   bodies become pseudonyms `9999nnnnnCC` (month 99: never a real SSIN), the same SSIN the
///   same pseudonym within a recording. An 11-digit value with wrong check digits under a key
///   containing `ssin` (or a query parameter so named) becomes `9999nnnnn00`, still wrong,
///   and so does that value wherever it appears later (a problem echoing it).
/// - Strings under the [masked keys](Redactor::DEFAULT_MASKED_KEYS) (case-insensitive; in an
///   array of strings, each) become `REDACTED`. `name` is masked when its object looks like a
///   person (it has a key containing `ssin`, or `birthDate`) or sits under a masked key or a
///   key containing `person`; a Belgif problem's issue `name` (a field name) is kept. An
///   object under a masked key (`address: {…}`) is walked, its own keys deciding.
/// - Binary bodies are left out (their length noted) unless
///   [`Redactor::keep_binary_bodies`]. JSON numbers are kept.
#[derive(Clone, Debug)]
pub struct Redactor {
    masked: BTreeSet<String>,
    keep_binary: bool,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    /// The keys whose string values are masked by default (Belgif person, name, address and
    /// contact fields).
    pub const DEFAULT_MASKED_KEYS: &'static [&'static str] = &[
        "givenName",
        "givenNames",
        "firstName",
        "firstNames",
        "middleName",
        "lastName",
        "lastNames",
        "familyName",
        "fullName",
        "birthName",
        "usualName",
        "nickName",
        "street",
        "streetName",
        "houseNumber",
        "boxNumber",
        "municipality",
        "municipalityName",
        "city",
        "address",
        "addressLine",
        "addressLines",
        "email",
        "emailAddress",
        "phone",
        "phoneNumber",
        "telephone",
        "mobile",
    ];

    /// The default rules.
    pub fn new() -> Self {
        Self {
            masked: Self::DEFAULT_MASKED_KEYS
                .iter()
                .map(|k| k.to_ascii_lowercase())
                .collect(),
            keep_binary: false,
        }
    }

    /// Also masks the string values of `key` (case-insensitive).
    pub fn mask_key(mut self, key: &str) -> Self {
        self.masked.insert(key.to_ascii_lowercase());
        self
    }

    /// Keeps the values of `key`, masked by default (`city` when the test needs it).
    pub fn unmask_key(mut self, key: &str) -> Self {
        self.masked.remove(&key.to_ascii_lowercase());
        self
    }

    /// Writes binary bodies (base64) instead of leaving them out: only for bodies known to
    /// hold no personal data (a certificate PDF does).
    pub fn keep_binary_bodies(mut self, keep: bool) -> Self {
        self.keep_binary = keep;
        self
    }

    /// The masked keys, lower-cased, sorted.
    pub fn masked_keys(&self) -> Vec<String> {
        self.masked.iter().cloned().collect()
    }

    pub(crate) fn keeps_binary(&self) -> bool {
        self.keep_binary
    }

    /// What this redactor did, for the recording's `redacted` note.
    pub(crate) fn note(&self) -> Vec<String> {
        vec![
            "headers Authorization, Cookie, Set-Cookie, Proxy-Authorization and any holding a JWT: removed".into(),
            "JWTs: REDACTED-JWT; PEM blocks: REDACTED-KEY-MATERIAL".into(),
            "SSINs: pseudonyms 9999nnnnnCC (month 99, valid check digits); mistyped SSINs: 9999nnnnn00".into(),
            format!("strings under these keys: REDACTED: {}", self.masked_keys().join(", ")),
            "`name` in a person-like object: REDACTED".into(),
            if self.keep_binary {
                "binary bodies: kept (base64)".into()
            } else {
                "binary bodies: left out".into()
            },
        ]
    }

    fn is_masked(&self, key: &str) -> bool {
        self.masked.contains(&key.to_ascii_lowercase())
    }

    /// `s` with JWTs, PEM blocks and SSINs replaced.
    pub(crate) fn text(&self, s: &str, sink: &mut dyn SsinSink, at: &str) -> String {
        if s.contains("-----BEGIN") {
            return PEM_MASK.into();
        }
        let s = match sink.gateway() {
            Some(g) if s.contains(g) => std::borrow::Cow::Owned(s.replace(g, GATEWAY)),
            _ => std::borrow::Cow::Borrowed(s),
        };
        let s = JWT.replace_all(&s, JWT_MASK);
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for run in DIGITS.find_iter(&s) {
            let digits = run.as_str();
            if digits.len() != 11 {
                continue;
            }
            let found = if is_valid_ssin(digits) {
                Found::Valid
            } else {
                Found::Other
            };
            if let Some(with) = sink.replace(digits, found, at) {
                out.push_str(&s[last..run.start()]);
                out.push_str(&with);
                last = run.end();
            }
        }
        out.push_str(&s[last..]);
        out
    }

    /// A value that may be a mistyped SSIN (`ssin_key`), else [`Redactor::text`].
    pub(crate) fn scalar(
        &self,
        s: &str,
        ssin_key: bool,
        sink: &mut dyn SsinSink,
        at: &str,
    ) -> String {
        if ssin_key && is_eleven_digits(s) && !is_valid_ssin(s) {
            return sink
                .replace(s, Found::Mistyped, at)
                .unwrap_or_else(|| s.to_owned());
        }
        self.text(s, sink, at)
    }

    /// The headers kept, by lower-case name (repeated ones joined with `, `), redacted.
    pub(crate) fn headers(
        &self,
        headers: &HeaderMap,
        sink: &mut dyn SsinSink,
    ) -> BTreeMap<String, String> {
        let mut kept: BTreeMap<String, String> = BTreeMap::new();
        // By name, so that a recording and a replay find a header's SSINs in the same order.
        let mut sorted: Vec<_> = headers.iter().collect();
        sorted.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        for (name, value) in sorted {
            let name = name.as_str();
            if SECRET_HEADERS.contains(&name) || WIRE_HEADERS.contains(&name) {
                continue;
            }
            let Ok(value) = value.to_str() else { continue };
            if JWT.is_match(value) {
                continue;
            }
            let value = self.text(value, sink, &format!("header `{name}`"));
            kept.entry(name.to_owned())
                .and_modify(|v| {
                    v.push_str(", ");
                    v.push_str(&value);
                })
                .or_insert(value);
        }
        kept
    }

    /// A JSON body, redacted.
    pub(crate) fn json(&self, value: &Value, sink: &mut dyn SsinSink) -> Value {
        self.value(value, None, false, sink, "")
    }

    fn value(
        &self,
        value: &Value,
        key: Option<&str>,
        masked: bool,
        sink: &mut dyn SsinSink,
        pointer: &str,
    ) -> Value {
        match value {
            Value::String(_) if masked => Value::String(MASK.into()),
            Value::String(s) => {
                let ssin_key = key.is_some_and(|k| k.to_ascii_lowercase().contains("ssin"));
                Value::String(self.scalar(s, ssin_key, sink, &format!("body {pointer}")))
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.value(v, key, masked, sink, &format!("{pointer}/{i}")))
                    .collect(),
            ),
            Value::Object(map) => Value::Object(self.object(map, key, sink, pointer)),
            other => other.clone(),
        }
    }

    fn object(
        &self,
        map: &Map<String, Value>,
        key: Option<&str>,
        sink: &mut dyn SsinSink,
        pointer: &str,
    ) -> Map<String, Value> {
        let under_person =
            key.is_some_and(|k| self.is_masked(k) || k.to_ascii_lowercase().contains("person"));
        let person_like = under_person
            || map.keys().any(|k| {
                let k = k.to_ascii_lowercase();
                k.contains("ssin") || k == "birthdate"
            });
        let mut out = Map::with_capacity(map.len());
        for (k, v) in map {
            // A map keyed by SSIN must not keep them in its keys.
            let new_key = self.text(k, sink, &format!("body key under {pointer}/"));
            let masked = self.is_masked(k) || (person_like && k.eq_ignore_ascii_case("name"));
            let child = format!(
                "{pointer}/{}",
                new_key.replace('~', "~0").replace('/', "~1")
            );
            let v = self.value(v, Some(k), masked, sink, &child);
            out.insert(new_key, v);
        }
        out
    }
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
