//! Typed parameters and bodies for generated clients: values are written the way their JSON
//! form reads (dates as RFC 3339, enums as their wire value), in the parameter's style, path segments
//! percent-encoded.

use serde::Serialize;
use serde_json::Value;

use crate::client::RequestBuilder;
use crate::error::{Error, ErrorKind};

mod style;

pub use style::{ParamStyle, header_text, path_segment, query_pieces};
use style::{path_text, scalar};

/// A path segment for `value`, percent-encoded (a `/` in a value never splits the path).
pub fn encode_path_segment<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let v = serde_json::to_value(value).map_err(|e| ErrorKind::InvalidRequest(e.to_string()))?;
    let text = scalar(&v).ok_or_else(|| {
        ErrorKind::InvalidRequest(format!("a path parameter must be a scalar, not {v}"))
    })?;
    Ok(path_text(&text))
}

impl RequestBuilder {
    /// Fills the `{name}` placeholder of the path with `value`, percent-encoded (simple style).
    pub fn path_param<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.path_param_styled(name, value, ParamStyle::Simple, false)
    }

    /// Fills the `{name}` placeholder of the path with `value` written in `style`.
    pub fn path_param_styled<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: ParamStyle,
        explode: bool,
    ) -> Self {
        match path_segment(name, value, style, explode) {
            Ok(segment) => self.path = self.path.replace(&format!("{{{name}}}"), &segment),
            Err(e) => self.fail(format!("path parameter `{name}`: {e}")),
        }
        self
    }

    /// A query parameter (form style, exploded: `?a=1&a=2`; `None`/null left out).
    pub fn query_param<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.query_param_styled(name, value, ParamStyle::Form, true)
    }

    /// A query parameter written in `style` (`None`/null left out).
    pub fn query_param_styled<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: ParamStyle,
        explode: bool,
    ) -> Self {
        match query_pieces(name, value, style, explode) {
            Ok(pieces) => {
                for piece in pieces {
                    self = self.query_encoded(piece);
                }
            }
            Err(e) => self.fail(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    /// A header parameter (simple style: arrays comma-separated; `None`/null left out).
    pub fn header_param<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.header_param_styled(name, value, ParamStyle::Simple, false)
    }

    /// A header parameter written in `style` (`None`/null left out).
    pub fn header_param_styled<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: ParamStyle,
        explode: bool,
    ) -> Self {
        match header_text(value, style, explode) {
            Ok(Some(text)) => self.header(name, &text),
            Ok(None) => self,
            Err(e) => {
                self.fail(format!("header `{name}`: {e}"));
                self
            }
        }
    }

    /// A JSON body with another media type (`application/merge-patch+json`, `…+json`).
    pub fn json_as<T: Serialize + ?Sized>(self, body: &T, media_type: &str) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body(bytes, media_type),
            Err(e) => {
                let mut s = self;
                s.fail(format!("body cannot be serialized to JSON: {e}"));
                s
            }
        }
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form<T: Serialize + ?Sized>(self, body: &T) -> Self {
        let pairs = match serde_json::to_value(body) {
            Ok(Value::Object(map)) => map,
            Ok(other) => {
                let mut s = self;
                s.fail(format!("a form body must be an object, not {other}"));
                return s;
            }
            Err(e) => {
                let mut s = self;
                s.fail(format!("form body: {e}"));
                return s;
            }
        };
        let mut encoder = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            match v {
                Value::Array(items) => {
                    for item in items.iter().filter_map(scalar) {
                        encoder.append_pair(k, &item);
                    }
                }
                other => {
                    if let Some(s) = scalar(other) {
                        encoder.append_pair(k, &s);
                    }
                }
            }
        }
        self.body(encoder.finish(), "application/x-www-form-urlencoded")
    }
}

/// The LegalContext value a body carries in its property `field`, for
/// [`crate::check_legal_context`].
pub fn body_legal_context<T: Serialize + ?Sized>(body: &T, field: &str) -> Option<String> {
    serde_json::to_value(body)
        .ok()?
        .get(field)?
        .as_str()
        .map(str::to_owned)
}

/// Decodes a `oneOf` with a discriminator: the tag selects the variant; an unknown tag (an
/// alternative added after this client was generated) is kept as raw JSON by the caller.
pub fn discriminated<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    property: &str,
) -> Result<(Option<String>, Value), D::Error> {
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    let tag = value
        .get(property)
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok((tag, value))
}

/// Checks a string against an OpenAPI `pattern`/`minLength`/`maxLength`.
pub fn check_string(
    value: &str,
    pattern: Option<&str>,
    min_length: Option<usize>,
    max_length: Option<usize>,
) -> Result<(), crate::types::InvalidValue> {
    use crate::types::InvalidValue;
    let len = value.chars().count();
    if min_length.is_some_and(|m| len < m) || max_length.is_some_and(|m| len > m) {
        return Err(InvalidValue(format!(
            "`{value}` has {len} characters; allowed: {}..{}",
            min_length.unwrap_or(0),
            max_length.map(|m| m.to_string()).unwrap_or_default()
        )));
    }
    if let Some(p) = pattern {
        // OpenAPI patterns are ECMA-262, where `\d` and `\w` are ASCII: compile without Unicode
        // classes, unless the pattern itself needs Unicode (non-ASCII literals).
        let re = regex::RegexBuilder::new(p)
            .unicode(false)
            .build()
            .or_else(|_| regex::Regex::new(p))
            .map_err(|e| InvalidValue(format!("pattern `{p}` cannot be checked: {e}")))?;
        if !re.is_match(value) {
            return Err(InvalidValue(format!("`{value}` does not match `{p}`")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_params_are_percent_encoded_scalars() {
        assert_eq!(encode_path_segment("a b/c").unwrap(), "a%20b%2Fc");
        assert_eq!(encode_path_segment(&42i64).unwrap(), "42");
        assert!(encode_path_segment(&vec![1]).is_err());
    }

    #[test]
    fn strings_are_checked_against_pattern_and_length() {
        assert!(check_string("0123456789", Some("^0[0-9]{9}$"), None, None).is_ok());
        assert!(check_string("123", Some("^0[0-9]{9}$"), None, None).is_err());
        assert!(check_string("ab", None, Some(3), None).is_err());
        // ECMA-262 `\d` is ASCII only: Arabic-Indic digits do not match.
        assert!(check_string("\u{661}\u{662}\u{663}", Some(r"^\d{3}$"), None, None).is_err());
        assert!(check_string("café", Some("^caf.$"), None, None).is_ok());
    }
}
