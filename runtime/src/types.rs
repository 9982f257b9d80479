//! Curated Belgif types that generated clients use instead of regenerating them, so that every
//! client shares one definition (and one SSIN check).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Belgian social security identification number (SSIN / INSZ / NISS): 11 digits, modulo-97
/// checked (persons born from 2000 on are checked with a `2` prefix).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ssin(String);

impl Ssin {
    /// Parses and checks an SSIN.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        let invalid = |why: &str| InvalidValue(format!("`{value}` is not a valid SSIN: {why}"));
        if value.len() != 11 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("11 digits expected"));
        }
        let base: u64 = value[..9].parse().map_err(|_| invalid("not a number"))?;
        let check: u64 = value[9..].parse().map_err(|_| invalid("not a number"))?;
        let before_2000 = 97 - base % 97;
        let after_2000 = 97 - (2_000_000_000 + base) % 97;
        if check != before_2000 && check != after_2000 {
            return Err(invalid("the check digits do not match (modulo 97)"));
        }
        Ok(Self(value.to_owned()))
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Ssin {
    // An SSIN is personal data: Debug shows only that there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ssin(***{})", &self.0[9..])
    }
}

impl fmt::Display for Ssin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Ssin {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, InvalidValue> {
        Self::new(s)
    }
}

impl Serialize for Ssin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Ssin {
    // Responses are not re-validated: a server may return SSINs our check would refuse
    // (bis numbers, historical data), and failing a whole response for it helps nobody.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() != 11 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom(format!(
                "`{s}` is not an SSIN (11 digits)"
            )));
        }
        Ok(Self(s))
    }
}

/// A value that does not meet its schema's constraints.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

/// Belgif `LocalizedString`: text in the national languages (and others).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedString {
    /// French.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fr: Option<String>,
    /// Dutch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nl: Option<String>,
    /// German.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub de: Option<String>,
    /// English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

/// Belgif `HttpLink` (and `SelfLink`): a link with its absolute URI.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpLink {
    /// Absolute URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

/// An exact decimal number carried as a JSON string (`type: string, format: number`): Belgif
/// money, never a float.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// Checks the syntax: optional sign, digits, optional fraction.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
        let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
        let ok = !int.is_empty()
            && !frac.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            return Err(InvalidValue(format!("`{value}` is not a decimal number")));
        }
        Ok(Self(value.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Decimal {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, InvalidValue> {
        Self::new(s)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

/// Bytes carried as base64 in JSON (`format: byte`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Base64(pub Vec<u8>);

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

/// `Option<Option<T>>` for merge-patch bodies: absent (`None`), `null` (`Some(None)`), a value.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serializes `Some(None)` as `null`; use with `skip_serializing_if = "Option::is_none"`.
    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    /// Deserializes a present `null` as `Some(None)`; use with `default`.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssin_check_digits_before_and_after_2000() {
        assert!(Ssin::new("85073003328").is_ok());
        assert!(Ssin::new("00000000097").is_ok());
        assert!(Ssin::new("85073003329").is_err());
        assert!(Ssin::new("1234567890").is_err());
        // Born in 2000 or later: checked with a `2` prefix.
        let base = 1_010_100u64; // 00-01-01, serial 001
        let check = 97 - (2_000_000_000 + base) % 97;
        assert!(Ssin::new(&format!("{base:09}{check:02}")).is_ok());
        assert_eq!(
            format!("{:?}", Ssin::new("85073003328").unwrap()),
            "Ssin(***28)"
        );
    }

    #[test]
    fn decimals_are_strings_with_a_checked_syntax() {
        let d: Decimal = serde_json::from_str("\"-1234.50\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"-1234.50\"");
        assert!(serde_json::from_str::<Decimal>("\"1e5\"").is_err());
        assert!(Decimal::new(".5").is_err());
    }

    #[test]
    fn merge_patch_keeps_null_apart_from_absent() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct P {
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                with = "double_option"
            )]
            email: Option<Option<String>>,
        }
        assert_eq!(
            serde_json::to_string(&P { email: Some(None) }).unwrap(),
            r#"{"email":null}"#
        );
        assert_eq!(serde_json::to_string(&P { email: None }).unwrap(), "{}");
        assert_eq!(
            serde_json::from_str::<P>(r#"{"email":null}"#).unwrap(),
            P { email: Some(None) }
        );
        assert_eq!(serde_json::from_str::<P>("{}").unwrap(), P { email: None });
    }
}
