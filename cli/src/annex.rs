//! The partner annex BCSS sends per service (LegalContext, integration controls, authorised
//! scopes, …). The doctor only needs its `scopes` list; every other key is ignored, so a full
//! annex and a minimal `scopes:` file both work.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::CliError;

/// What the doctor reads from an annex.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Annex {
    /// The scopes BCSS authorised for this partner and service.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub scopes: Vec<String>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

impl Annex {
    /// Reads a YAML annex.
    pub fn load(path: &Path) -> Result<Self, CliError> {
        let err = |message: String| CliError::Annex {
            path: PathBuf::from(path),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        Self::parse(&text).map_err(err)
    }

    /// Parses YAML text; the error names the `scopes` key or the line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let annex: Annex = serde_norway::from_str(text)
            .map_err(|e| format!("not a partner annex (YAML with a `scopes` list): {e}"))?;
        if annex.scopes.iter().any(|s| s.trim().is_empty()) {
            return Err("scopes: an entry is empty".into());
        }
        Ok(annex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_annex_and_a_fuller_one_both_give_their_scopes() {
        let a = Annex::parse("scopes:\n  - scope:cbss:api:demo:consult\n").unwrap();
        assert_eq!(a.scopes, vec!["scope:cbss:api:demo:consult"]);
        let full = "legalContext: x\nintegrationControls: [a]\nscopes: [s1, s2]\n";
        assert_eq!(Annex::parse(full).unwrap().scopes, vec!["s1", "s2"]);
        assert_eq!(
            Annex::parse("scopes:\n").unwrap().scopes,
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_wrong_annex_is_an_error_not_a_panic() {
        assert!(Annex::parse("scopes: 12").unwrap_err().contains("scopes"));
        assert!(Annex::parse(": : :").is_err());
    }
}
