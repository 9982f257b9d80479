//! Step 4, access management: a token from the Smals OAuth server with the configured
//! client-id, its granted scopes compared with the partner annex's. OAuth refusals come typed
//! from the runtime ([`TokenError`]); this step explains them.

use bcss_runtime::token::OAuthErrorCode;
use bcss_runtime::{BcssClient, Config, ScopeSet, TokenError};

use super::network::kind;
use super::report::{StepBuilder, StepId, StepReport, Verdict};
use crate::annex::Annex;

/// Runs step 4. Returns the client for step 5 when a token was obtained.
pub async fn run(
    config: &Config,
    scopes: &[String],
    annex: Option<&Annex>,
) -> (StepReport, Option<BcssClient>) {
    let mut step = StepBuilder::new(StepId::AccessManagement);
    let client_id = match config.client_id() {
        Ok(id) => id.to_owned(),
        Err(e) => {
            step.check("client-id", Verdict::Fail, e.to_string());
            step.remedy(format!(
                "add the client-id Smals registered to [client_id] {} in {}",
                config.environment, config.origin
            ));
            return (step.finish("no client-id is configured"), None);
        }
    };
    step.check("client-id", Verdict::Pass, format!("`{client_id}`"));
    let client = match BcssClient::new(config) {
        Ok(client) => client,
        Err(e) => {
            step.check("client set-up", Verdict::Fail, e.to_string());
            step.remedy("fix the configuration key named above");
            return (step.finish("the client cannot be built"), None);
        }
    };
    let requested = if scopes.is_empty() {
        ScopeSet::new(config.token.scopes.iter().cloned())
    } else {
        ScopeSet::new(scopes.iter().cloned())
    };
    let endpoint = config.endpoints().token_endpoint;
    let token = match client.tokens().token_for(&requested).await {
        Ok(token) => token,
        Err(e) => {
            refusal(&mut step, &e, &requested, &client_id);
            return (
                step.finish("no token: the token request was refused or failed"),
                None,
            );
        }
    };
    let granted = ScopeSet::new(token.scopes().iter().cloned());
    step.check(
        "token",
        Verdict::Pass,
        format!(
            "obtained from {endpoint}, valid {} s, scopes: {}",
            token.lifetime().as_secs(),
            if granted.is_empty() {
                "(none listed)".to_owned()
            } else {
                granted.to_string()
            }
        ),
    );
    match annex {
        Some(annex) => compare(&mut step, annex, &granted, &client_id),
        None => step.check(
            "annex scopes",
            Verdict::Skipped,
            "no --annex given: the granted scopes were not compared with the partner annex",
        ),
    }
    let summary = match step.verdict() {
        Verdict::Fail => "a token is obtained, but without every scope the annex lists".to_owned(),
        _ => format!("a token is obtained for `{client_id}`"),
    };
    (step.finish(summary), Some(client))
}

fn compare(step: &mut StepBuilder, annex: &Annex, granted: &ScopeSet, client_id: &str) {
    let missing: Vec<&str> = annex
        .scopes
        .iter()
        .filter(|s| !granted.as_slice().contains(s))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        step.check(
            "annex scopes",
            Verdict::Pass,
            format!(
                "every scope of the annex is granted ({})",
                annex.scopes.join(" ")
            ),
        );
        return;
    }
    step.check_kind(
        "annex scopes",
        Verdict::Fail,
        format!(
            "the annex lists {} but the token does not carry it",
            missing.join(" ")
        ),
        "missing_scope",
    );
    step.remedy(format!(
        "ask BCSS (esb@ksz-bcss.fgov.be) to have Smals IAM grant {} to `{client_id}`; if you request scopes explicitly ([token] scopes or --scope), request these too",
        missing.join(" ")
    ));
}

fn refusal(step: &mut StepBuilder, error: &TokenError, requested: &ScopeSet, client_id: &str) {
    match error {
        TokenError::OAuth {
            code,
            description,
            hint,
            status,
            ..
        } => {
            let said = description
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            step.check_kind(
                "token",
                Verdict::Fail,
                format!("HTTP {status} {code}{said}"),
                code.as_str(),
            );
            match code {
                OAuthErrorCode::InvalidClient => step.remedy(format!(
                    "Smals did not authenticate the client. Check, in this order: the client-id `{client_id}` is exactly the one registered for this environment; the certificate registered for it is this one (send the .crt to esb@ksz-bcss.fgov.be if in doubt); the audience ([token] audience). Details: {hint}"
                )),
                OAuthErrorCode::InvalidScope => step.remedy(format!(
                    "a requested scope ({}) is not granted to `{client_id}`: request only the scopes of the partner annex, or ask BCSS (esb@ksz-bcss.fgov.be) to grant it",
                    if requested.is_empty() { "the default scopes".to_owned() } else { requested.to_string() }
                )),
                _ => step.remedy(hint.clone()),
            }
        }
        TokenError::Transport(t) => {
            step.check_kind("token", Verdict::Fail, t.message.clone(), kind(t.kind));
            step.remedy(format!(
                "the token endpoint could not be reached over TLS: {}",
                t.hint
            ));
        }
        TokenError::Assertion(e) => {
            step.check(
                "token",
                Verdict::Fail,
                format!("cannot sign the client assertion: {e}"),
            );
            step.remedy("fix the certificate and key (step 3) or [token] algorithm");
        }
        other => {
            step.check("token", Verdict::Fail, other.to_string());
            step.remedy("check the token endpoint URL and [token] settings in bcss.toml");
        }
    }
}
