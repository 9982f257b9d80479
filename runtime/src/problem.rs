//! Belgif problems (RFC 9457 `application/problem+json`), typed.
//!
//! Match on [`Problem::problem_type`] and [`InputValidationIssue::issue_type`], never on `title` or
//! `detail` (those are English text for developers and may change). Unknown types are kept.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A problem returned by a BCSS API (or any Belgif-style API).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// Problem type URI, e.g. `urn:problem-type:belgif:badRequest`. Absent means `about:blank`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_uri: Option<String>,
    /// Link to documentation of the problem type (Belgif extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Short English summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// HTTP status the server used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Occurrence-specific explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Occurrence identifier (a `urn:uuid:` at BCSS): quote it to the service desk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Input validation issues (`badRequest`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<InputValidationIssue>,
    /// Deprecated predecessor of `issues` in older contracts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InputValidationIssue>,
    /// Scopes the operation requires (`missingScope`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_scopes: Vec<String>,
    /// When to retry, as an RFC 3339 date-time (`tooManyRequests`, `serviceUnavailable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
    /// Seconds to wait before retrying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_sec: Option<u64>,
    /// The limit that was exceeded (bytes for `payloadTooLarge`, requests for `tooManyRequests`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Any other property (API-specific extensions).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The standard Belgif problem types, and the rest.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemType {
    /// 400 `urn:problem-type:belgif:badRequest`, with `issues`.
    BadRequest,
    /// 401, no token sent.
    NoAccessToken,
    /// 401, the token is invalid.
    InvalidAccessToken,
    /// 401, the token expired.
    ExpiredAccessToken,
    /// 403, with `requiredScopes`.
    MissingScope,
    /// 403, no permission for this resource.
    MissingPermission,
    /// 404.
    ResourceNotFound,
    /// 413, with `limit`.
    PayloadTooLarge,
    /// 429, with `limit` and retry hints.
    TooManyRequests,
    /// 429 after too many failed requests.
    TooManyFailedRequests,
    /// 500.
    InternalServerError,
    /// 502.
    BadGateway,
    /// 503, with retry hints.
    ServiceUnavailable,
    /// `about:blank` or no `type`.
    Blank,
    /// Any other type URI (API-specific problems).
    Other(String),
}

const BELGIF_PREFIX: &str = "urn:problem-type:belgif:";

impl ProblemType {
    /// Classifies a type URI.
    pub fn from_uri(uri: &str) -> Self {
        let Some(name) = uri.strip_prefix(BELGIF_PREFIX) else {
            return if uri == "about:blank" {
                Self::Blank
            } else {
                Self::Other(uri.to_owned())
            };
        };
        match name {
            "badRequest" => Self::BadRequest,
            "noAccessToken" => Self::NoAccessToken,
            "invalidAccessToken" => Self::InvalidAccessToken,
            "expiredAccessToken" => Self::ExpiredAccessToken,
            "missingScope" => Self::MissingScope,
            "missingPermission" => Self::MissingPermission,
            "resourceNotFound" => Self::ResourceNotFound,
            "payloadTooLarge" => Self::PayloadTooLarge,
            "tooManyRequests" => Self::TooManyRequests,
            "tooManyFailedRequests" => Self::TooManyFailedRequests,
            "internalServerError" => Self::InternalServerError,
            "badGateway" => Self::BadGateway,
            "serviceUnavailable" => Self::ServiceUnavailable,
            _ => Self::Other(uri.to_owned()),
        }
    }
}

impl Problem {
    /// The typed problem type.
    pub fn problem_type(&self) -> ProblemType {
        self.type_uri
            .as_deref()
            .map_or(ProblemType::Blank, ProblemType::from_uri)
    }

    /// All issues, including those of the deprecated `invalidParams`.
    pub fn all_issues(&self) -> impl Iterator<Item = &InputValidationIssue> {
        self.issues.iter().chain(&self.invalid_params)
    }

    /// A one-line summary: type, status, title and detail.
    pub fn summary(&self) -> String {
        let mut s = self
            .type_uri
            .clone()
            .unwrap_or_else(|| "about:blank".to_owned());
        if let Some(status) = self.status {
            s.push_str(&format!(" ({status})"));
        }
        for part in [&self.title, &self.detail].into_iter().flatten() {
            s.push_str(": ");
            s.push_str(part);
        }
        s
    }
}

/// Where an invalid input was found.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum InputLocation {
    /// The request body; `name` is a JSON path.
    Body,
    /// A header.
    Header,
    /// A path parameter.
    Path,
    /// A query parameter.
    Query,
    /// Something else.
    Other(String),
}

impl From<String> for InputLocation {
    fn from(s: String) -> Self {
        match s.as_str() {
            "body" => Self::Body,
            "header" => Self::Header,
            "path" => Self::Path,
            "query" => Self::Query,
            _ => Self::Other(s),
        }
    }
}

impl From<InputLocation> for String {
    fn from(l: InputLocation) -> Self {
        match l {
            InputLocation::Body => "body".into(),
            InputLocation::Header => "header".into(),
            InputLocation::Path => "path".into(),
            InputLocation::Query => "query".into(),
            InputLocation::Other(s) => s,
        }
    }
}

/// One input named by a cross-field issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// Where.
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub location: Option<InputLocation>,
    /// Name or JSON path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The value that was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// One input validation issue inside a `badRequest` problem.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputValidationIssue {
    /// Issue type URI.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_uri: Option<String>,
    /// Documentation link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// Short English summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Where the input was.
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub location: Option<InputLocation>,
    /// Name or JSON path of the input (`boardMembers[0].ssin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The value that was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Inputs of a cross-field issue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Input>,
    /// CBSS `replacedSsin`: the SSIN that replaces the one sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    /// `outOfRange` bounds and other type-specific properties.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Issue types of Belgif, Belgif-ext and CBSS.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IssueType {
    /// The input does not match the schema.
    SchemaViolation,
    /// Invalid input (generic).
    InvalidInput,
    /// An input that is not expected at all.
    UnknownInput,
    /// A referenced resource does not exist.
    ReferencedResourceNotFound,
    /// Structure invalid (e.g. SSIN checksum).
    InvalidStructure,
    /// Out of the allowed range.
    OutOfRange,
    /// Rejected value.
    RejectedInput,
    /// A required input is missing.
    RequiredInput,
    /// Invalid period (start after end).
    InvalidPeriod,
    /// At least one of several inputs expected.
    AnyOfExpected,
    /// Inputs expected equal.
    EqualExpected,
    /// Exactly one of several inputs expected.
    ExactlyOneOfExpected,
    /// All or none expected.
    ZeroOrAllOfExpected,
    /// At most one expected.
    ZeroOrExactlyOneOfExpected,
    /// CBSS: the SSIN was replaced; see `replaced_by`.
    ReplacedSsin,
    /// CBSS: the SSIN was cancelled.
    CanceledSsin,
    /// Any other issue type.
    Other(String),
}

impl IssueType {
    /// Classifies an issue type URI (Belgif, Belgif-ext and the legacy CBSS spellings).
    pub fn from_uri(uri: &str) -> Self {
        let name = [
            "urn:problem-type:belgif:input-validation:",
            "urn:problem-type:belgif-ext:input-validation:",
            "urn:problem-type:cbss:input-validation:",
        ]
        .iter()
        .find_map(|prefix| uri.strip_prefix(prefix));
        match name.unwrap_or_default() {
            "schemaViolation" => Self::SchemaViolation,
            "invalidInput" => Self::InvalidInput,
            "unknownInput" => Self::UnknownInput,
            "referencedResourceNotFound" => Self::ReferencedResourceNotFound,
            "invalidStructure" => Self::InvalidStructure,
            "outOfRange" => Self::OutOfRange,
            "rejectedInput" => Self::RejectedInput,
            "requiredInput" => Self::RequiredInput,
            "invalidPeriod" => Self::InvalidPeriod,
            "anyOfExpected" => Self::AnyOfExpected,
            "equalExpected" => Self::EqualExpected,
            "exactlyOneOfExpected" => Self::ExactlyOneOfExpected,
            "zeroOrAllOfExpected" => Self::ZeroOrAllOfExpected,
            "zeroOrExactlyOneOfExpected" => Self::ZeroOrExactlyOneOfExpected,
            "replacedSsin" if uri.starts_with("urn:problem-type:cbss:") => Self::ReplacedSsin,
            "canceledSsin" if uri.starts_with("urn:problem-type:cbss:") => Self::CanceledSsin,
            _ => Self::Other(uri.to_owned()),
        }
    }
}

impl InputValidationIssue {
    /// The typed issue type.
    pub fn issue_type(&self) -> IssueType {
        self.type_uri
            .as_deref()
            .map_or_else(|| IssueType::Other(String::new()), IssueType::from_uri)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_request_with_cbss_replaced_ssin_issue_parses_into_typed_fields() {
        let p: Problem = serde_json::from_value(json!({
            "type": "urn:problem-type:belgif:badRequest",
            "href": "https://www.belgif.be/specification/rest/api-guide/problems/badRequest.html",
            "title": "Bad Request", "status": 400, "instance": "urn:uuid:1",
            "issues": [
                {"type": "urn:problem-type:cbss:input-validation:replacedSsin",
                 "in": "body", "name": "ssin", "value": "00000000097", "replacedBy": "00000000196"},
                {"type": "urn:problem-type:belgif-ext:input-validation:outOfRange",
                 "in": "query", "name": "page", "value": 0, "minimum": "1"},
                {"type": "urn:problem-type:cbss:input-validation:canceledSsin", "in": "cookie"}
            ],
            "vendorExtension": true
        }))
        .unwrap();
        assert_eq!(p.problem_type(), ProblemType::BadRequest);
        assert_eq!(p.issues[0].issue_type(), IssueType::ReplacedSsin);
        assert_eq!(p.issues[0].replaced_by.as_deref(), Some("00000000196"));
        assert_eq!(p.issues[0].location, Some(InputLocation::Body));
        assert_eq!(p.issues[1].issue_type(), IssueType::OutOfRange);
        assert_eq!(p.issues[1].extra["minimum"], json!("1"));
        assert_eq!(p.issues[2].issue_type(), IssueType::CanceledSsin);
        assert_eq!(
            p.issues[2].location,
            Some(InputLocation::Other("cookie".into()))
        );
        assert_eq!(p.extra["vendorExtension"], json!(true));
    }

    #[test]
    fn missing_scope_and_retry_extras_are_typed() {
        let p: Problem = serde_json::from_value(json!({
            "type": "urn:problem-type:belgif:missingScope", "status": 403,
            "requiredScopes": ["scope:cbss:api:demo:consult"]
        }))
        .unwrap();
        assert_eq!(p.problem_type(), ProblemType::MissingScope);
        assert_eq!(p.required_scopes, ["scope:cbss:api:demo:consult"]);
        let p: Problem = serde_json::from_value(json!({
            "type": "urn:problem-type:belgif:tooManyRequests", "status": 429,
            "retryAfterSec": 3, "limit": 10, "retryAfter": "2026-11-28T10:00:00Z"
        }))
        .unwrap();
        assert_eq!(p.problem_type(), ProblemType::TooManyRequests);
        assert_eq!((p.retry_after_sec, p.limit), (Some(3), Some(10)));
    }

    #[test]
    fn unknown_problem_types_are_kept_and_serialization_round_trips() {
        let v = json!({"type": "urn:problem-type:cbss:socialStatus:searchCriteriaTooWide",
                       "status": 400, "extraField": [1, 2]});
        let p: Problem = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(
            p.problem_type(),
            ProblemType::Other("urn:problem-type:cbss:socialStatus:searchCriteriaTooWide".into())
        );
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        assert_eq!(Problem::default().problem_type(), ProblemType::Blank);
    }

    #[test]
    fn deprecated_invalid_params_still_deserialize() {
        let p: Problem = serde_json::from_value(json!({
            "type": "urn:problem-type:belgif:badRequest",
            "invalidParams": [{"in": "query", "name": "x", "reason": "bad"}]
        }))
        .unwrap();
        assert_eq!(p.all_issues().count(), 1);
    }
}
