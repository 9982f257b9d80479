//! Request validation for served contracts, as the Belgif REST guide prescribes it: a
//! `400 badRequest` problem whose `issues[]` name each input in error — unknown query
//! parameters and body properties (`unknownInput`), missing required ones (`requiredInput`),
//! a body that is not the JSON expected (`schemaViolation`), and SSINs that fail their
//! modulo-97 check (`invalidStructure`). Unknown headers are accepted.

use crate::contract::{LegalContextAt, OperationSpec, is_json};
use http::HeaderMap;
use serde_json::{Map, Value, json};

/// One entry of a Belgif `issues[]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    /// Short name: `unknownInput`, `requiredInput`, `schemaViolation`, `invalidStructure`.
    pub kind: &'static str,
    /// `query`, `header`, `body` or `path`.
    pub location: &'static str,
    /// Name of the input (`ssins[1]`), absent for the body as a whole.
    pub name: Option<String>,
    pub value: Option<Value>,
    pub detail: String,
}

impl Issue {
    fn new(
        kind: &'static str,
        location: &'static str,
        name: Option<String>,
        detail: String,
    ) -> Issue {
        Issue {
            kind,
            location,
            name,
            value: None,
            detail,
        }
    }

    fn value(mut self, value: Value) -> Issue {
        self.value = Some(value);
        self
    }

    /// The issue as JSON: `type`, `href` (Belgif types), `title`, `detail`, `in`, `name`, `value`.
    pub fn to_json(&self) -> Value {
        let (namespace, title) = match self.kind {
            "unknownInput" => ("belgif", "Unknown input"),
            "schemaViolation" => ("belgif", "Input isn't valid with respect to schema"),
            "requiredInput" => ("belgif-ext", "Missing required input"),
            "invalidStructure" => ("belgif-ext", "Input doesn't respect the expected structure"),
            _ => ("belgif-ext", "Invalid input"),
        };
        let mut issue = Map::new();
        issue.insert(
            "type".into(),
            json!(format!(
                "urn:problem-type:{namespace}:input-validation:{}",
                self.kind
            )),
        );
        if namespace == "belgif" {
            issue.insert(
                "href".into(),
                json!(format!(
                    "https://www.belgif.be/specification/rest/api-guide/issues/{}.html",
                    self.kind
                )),
            );
        }
        issue.insert("title".into(), json!(title));
        issue.insert("detail".into(), json!(self.detail));
        issue.insert("in".into(), json!(self.location));
        if let Some(name) = &self.name {
            issue.insert("name".into(), json!(name));
        }
        if let Some(value) = &self.value {
            issue.insert("value".into(), value.clone());
        }
        Value::Object(issue)
    }
}

/// What validation found: the issues (empty = valid) and the LegalContext sent, if any.
#[derive(Debug, Default)]
pub struct Checked {
    pub issues: Vec<Issue>,
    pub legal_context: Option<String>,
    /// The parts of a multipart body (their headers, never their content).
    pub parts: Vec<crate::log::BodyPart>,
}

/// Checks a request against the operation it was routed to.
pub fn check(
    spec: &OperationSpec,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Checked {
    let mut out = Checked::default();
    let sent: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut reported: Vec<&str> = Vec::new();
    for (name, value) in &sent {
        let declared = spec.open_query
            || spec.query.iter().any(|p| {
                p.name == *name
                    || (p.deep_object
                        && name
                            .strip_prefix(p.name.as_str())
                            .is_some_and(|rest| rest.starts_with('[') && rest.ends_with(']')))
            });
        if !declared && !reported.contains(&name.as_str()) {
            reported.push(name);
            out.issues.push(
                Issue::new(
                    "unknownInput",
                    "query",
                    Some(name.clone()),
                    format!(
                        "query parameter {name} is not defined for operation {}",
                        spec.operation_id
                    ),
                )
                .value(json!(value)),
            );
        }
    }
    for p in spec.query.iter().filter(|p| p.required) {
        let present =
            |k: &str| k == p.name || (p.deep_object && k.starts_with(&format!("{}[", p.name)));
        if !p.exploded_object && !sent.iter().any(|(k, _)| present(k)) {
            out.issues.push(Issue::new(
                "requiredInput",
                "query",
                Some(p.name.clone()),
                format!("query parameter {} is required", p.name),
            ));
        }
    }
    for p in spec.headers.iter().filter(|p| p.required) {
        if header(headers, &p.name).is_none() {
            out.issues.push(Issue::new(
                "requiredInput",
                "header",
                Some(p.name.clone()),
                format!("header {} is required", p.name),
            ));
        }
    }
    out.parts = multipart_parts(headers, body);
    let parsed = spec
        .body
        .as_ref()
        .and_then(|b| check_body(b, headers, body, &mut out.issues));
    out.legal_context = match &spec.legal_context {
        Some((LegalContextAt::Query(name), _)) => {
            sent.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        }
        Some((LegalContextAt::Header(name), _)) => header(headers, name),
        Some((LegalContextAt::Body(name), _)) => parsed
            .as_ref()
            .and_then(|b| b.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned),
        None => None,
    };
    out
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name.to_ascii_lowercase().as_str())
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The name, file name and media type of each part of a `multipart/form-data` body (RFC 7578),
/// so tests can see how a client framed it; empty for any other body.
fn multipart_parts(headers: &HeaderMap, body: &[u8]) -> Vec<crate::log::BodyPart> {
    let content_type = header(headers, "content-type").unwrap_or_default();
    let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| rest.split("boundary=").nth(1))
        .map(|b| {
            b.split(';')
                .next()
                .unwrap_or_default()
                .trim_matches('"')
                .to_owned()
        })
    else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let quoted = |head: &str, key: &str| {
        let start = head.find(&format!("{key}=\""))? + key.len() + 2;
        let end = head[start..].find('"')? + start;
        Some(head[start..end].to_owned())
    };
    text.split(delimiter.as_str())
        .filter_map(|part| {
            let (head, _) = part.trim_start_matches("\r\n").split_once("\r\n\r\n")?;
            let disposition = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
            let content_type = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-type")
                    .then(|| v.trim().to_owned())
            });
            Some(crate::log::BodyPart {
                name: quoted(disposition, "name")?,
                file: quoted(disposition, "filename").is_some(),
                content_type,
            })
        })
        .collect()
}

/// Checks the body; returns it parsed when it is JSON.
fn check_body(
    spec: &crate::contract::BodySpec,
    headers: &HeaderMap,
    body: &[u8],
    issues: &mut Vec<Issue>,
) -> Option<Value> {
    if body.is_empty() {
        if spec.required {
            issues.push(Issue::new(
                "requiredInput",
                "body",
                None,
                "a request body is required".into(),
            ));
        }
        return None;
    }
    let content_type = header(headers, "content-type").unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    let other = spec
        .other_media
        .iter()
        .any(|m| m.eq_ignore_ascii_case(media));
    if !spec.json || (other && !is_json(media)) {
        return None;
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            issues.push(Issue::new(
                "schemaViolation",
                "body",
                None,
                format!("the request body is not valid JSON ({e}); a JSON body is expected"),
            ));
            return None;
        }
    };
    if let Some(object) = value.as_object() {
        if let Some(known) = &spec.properties {
            for (name, v) in object {
                if !known.contains(name) {
                    issues.push(
                        Issue::new(
                            "unknownInput",
                            "body",
                            Some(name.clone()),
                            format!("property {name} is not defined in the request body"),
                        )
                        .value(v.clone()),
                    );
                }
            }
        }
        for name in &spec.required_properties {
            if !object.contains_key(name) {
                issues.push(Issue::new(
                    "requiredInput",
                    "body",
                    Some(name.clone()),
                    format!("property {name} is required"),
                ));
            }
        }
    } else if spec.properties.is_some() || !spec.required_properties.is_empty() {
        issues.push(Issue::new(
            "schemaViolation",
            "body",
            None,
            "the request body must be a JSON object".into(),
        ));
    }
    check_ssins(&value, "", issues);
    Some(value)
}

/// Every `ssin` / `ssins` member, at any depth, must pass the modulo-97 check.
fn check_ssins(value: &Value, path: &str, issues: &mut Vec<Issue>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let is_ssin = key.eq_ignore_ascii_case("ssin") || key.eq_ignore_ascii_case("ssins");
                match v {
                    Value::String(s) if is_ssin => check_ssin(s, &here, issues),
                    Value::Array(items) if is_ssin => {
                        for (i, item) in items.iter().enumerate() {
                            match item {
                                Value::String(s) => check_ssin(s, &format!("{here}[{i}]"), issues),
                                other => check_ssins(other, &format!("{here}[{i}]"), issues),
                            }
                        }
                    }
                    other => check_ssins(other, &here, issues),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_ssins(item, &format!("{path}[{i}]"), issues);
            }
        }
        _ => {}
    }
}

fn check_ssin(ssin: &str, name: &str, issues: &mut Vec<Issue>) {
    if !ssin_is_valid(ssin) {
        issues.push(
            Issue::new(
                "invalidStructure",
                "body",
                Some(name.to_owned()),
                format!("{name} is not a valid SSIN: 11 digits whose last two are the modulo-97 check of the first nine"),
            )
            .value(json!(ssin)),
        );
    }
}

/// An SSIN (or BIS number): 11 digits, the last two being 97 minus the first nine modulo 97 —
/// with a `2` put before the nine digits for persons born from 2000.
pub fn ssin_is_valid(ssin: &str) -> bool {
    if ssin.len() != 11 || !ssin.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (Ok(base), Ok(check)) = (ssin[..9].parse::<u64>(), ssin[9..].parse::<u64>()) else {
        return false;
    };
    97 - base % 97 == check || 97 - (2_000_000_000 + base) % 97 == check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssin_modulo_97_before_and_after_2000() {
        assert!(ssin_is_valid("85073003328"));
        assert!(ssin_is_valid("90010100123"));
        assert!(ssin_is_valid("00000000097"));
        // Born 2001-01-01, order 001: check on 2 010101001.
        let base = 10_101_001u64;
        let check = 97 - (2_000_000_000 + base) % 97;
        assert!(ssin_is_valid(&format!("{base:09}{check:02}")));
        assert!(!ssin_is_valid("85073003329"));
        assert!(!ssin_is_valid("8507300332"));
        assert!(!ssin_is_valid("8507300332a"));
    }
}
