//! The partner annex: what BCSS authorised this partner to do with the API.
//!
//! ```yaml
//! api: socialStatus
//! clientId: {test: "…", acpt: "…", prod: "…"}
//! scopes: [scope:cbss:api:socialStatus:consult]
//! legalContexts: [A, B]            # or {allowed: [A, B], default: A}
//! integrationControls: |
//!   free text, carried into the generated documentation
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::diag::Diagnostic;

/// A parsed partner annex.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Annex {
    /// The API name.
    pub api: Option<String>,
    /// Client-id per environment (`test`, `acpt`, `prod`).
    pub client_ids: BTreeMap<String, String>,
    /// Authorised scopes.
    pub scopes: Vec<String>,
    /// Authorised LegalContext values.
    pub legal_contexts: Vec<String>,
    /// The LegalContext used when the caller gives none.
    pub default_legal_context: Option<String>,
    /// Integration controls, as text for the documentation.
    pub integration_controls: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Raw {
    api: Option<String>,
    #[serde(default)]
    client_id: BTreeMap<String, String>,
    #[serde(default)]
    scopes: Vec<String>,
    legal_contexts: Option<LegalContexts>,
    integration_controls: Option<Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum LegalContexts {
    List(Vec<String>),
    Map {
        #[serde(default)]
        allowed: Vec<String>,
        default: Option<String>,
    },
}

impl Annex {
    /// Reads an annex file.
    pub fn load(path: &Path) -> Result<Annex, Diagnostic> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Diagnostic::error(&name, "", format!("cannot read the annex: {e}")))?;
        Self::parse(&text, &name)
    }

    /// Parses annex text; `name` is used in diagnostics.
    pub fn parse(text: &str, name: &str) -> Result<Annex, Diagnostic> {
        let raw: Raw = serde_norway::from_str(text).map_err(|e| {
            let at = e.location().map(|l| format!(" (line {}, column {})", l.line(), l.column())).unwrap_or_default();
            Diagnostic::error(name, "", format!("not a valid partner annex{at}: {e}"))
                .hint("keys: api, clientId, scopes, legalContexts (a list, or {allowed, default}), integrationControls")
        })?;
        for env in raw.client_id.keys() {
            if !matches!(env.as_str(), "test" | "acpt" | "prod") {
                return Err(Diagnostic::error(
                    name,
                    format!("/clientId/{env}"),
                    format!("unknown environment `{env}`"),
                )
                .hint("use test, acpt and prod"));
            }
        }
        let (legal_contexts, default_legal_context) = match raw.legal_contexts {
            None => (Vec::new(), None),
            Some(LegalContexts::List(l)) => (l, None),
            Some(LegalContexts::Map { allowed, default }) => (allowed, default),
        };
        if let Some(d) = &default_legal_context
            && !legal_contexts.contains(d)
        {
            return Err(Diagnostic::error(
                name,
                "/legalContexts/default",
                format!("default `{d}` is not in `allowed`"),
            ));
        }
        let integration_controls = raw.integration_controls.map(|v| match v {
            Value::String(s) => s,
            other => serde_norway::to_string(&other).unwrap_or_default(),
        });
        Ok(Annex {
            api: raw.api,
            client_ids: raw.client_id,
            scopes: raw.scopes,
            legal_contexts,
            default_legal_context,
            integration_controls,
        })
    }
}
