//! Stage 3, check: the annex's rules applied to the IR, before any code is written.

use crate::annex::Annex;
use crate::diag::Diagnostic;
use crate::ir::Api;
use crate::load::Contract;

/// What to do with an operation whose scopes the annex does not grant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnauthorisedOperations {
    /// Stop with an error (default: generating a method that can only fail is a mistake).
    #[default]
    Fail,
    /// Leave the operation out, with a warning.
    Skip,
}

/// Applies the annex: an operation is authorised when the annex grants every scope of at least
/// one of its security alternatives, and then uses the first such alternative; the others fail
/// generation or are removed.
pub fn apply(
    c: &Contract,
    api: &mut Api,
    annex: Option<&Annex>,
    policy: UnauthorisedOperations,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let mut warnings = std::mem::take(&mut api.types.warnings);
    // A path item reached twice (`$ref` to another path) yields its warnings twice.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.to_string()));
    let Some(annex) = annex else {
        return Ok(warnings);
    };
    let mut kept = Vec::new();
    for mut op in std::mem::take(&mut api.operations) {
        let granted = op
            .security
            .iter()
            .find(|alt| alt.iter().all(|s| annex.scopes.contains(s)));
        if let Some(alternative) = granted {
            op.scopes = alternative.clone();
        }
        if granted.is_some() || op.security.is_empty() || op.public {
            kept.push(op);
            continue;
        }
        // The alternative missing the fewest scopes names what to ask for.
        let missing: Vec<&String> = op
            .security
            .iter()
            .map(|alt| {
                alt.iter()
                    .filter(|s| !annex.scopes.contains(s))
                    .collect::<Vec<_>>()
            })
            .min_by_key(Vec::len)
            .unwrap_or_default();
        let message = format!(
            "{} {} (`{}`) requires {}, which the partner annex does not grant",
            op.method,
            op.path,
            op.fn_name,
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
        match policy {
            UnauthorisedOperations::Fail => {
                return Err(c.error(&op.loc, message).hint(
                    "ask BCSS for the scope (and an updated annex), or generate with --skip-unauthorised to leave the operation out",
                ));
            }
            UnauthorisedOperations::Skip => warnings.push(c.warning(
                &op.loc,
                "unauthorised-operation",
                format!("{message}: left out"),
            )),
        }
    }
    api.operations = kept;
    Ok(warnings)
}
