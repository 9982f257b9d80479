//! Step 4, access management: a token from the Smals OAuth server with the configured
//! client-id, its granted scopes compared with the partner annex's. OAuth refusals come typed
//! from the runtime ([`TokenError`]); this step explains them.

use bcss_runtime::token::OAuthErrorCode;
use bcss_runtime::{BcssClient, Config, ScopeSet, TokenError};

use super::network::kind;
use super::report::{StepBuilder, StepId, StepReport, Verdict};
use crate::annex::Annex;

/// What step 4 found.
pub struct Access {
    pub report: StepReport,
    /// The client for step 5, when a token was obtained.
    pub client: Option<BcssClient>,
    /// Token endpoint's clock minus this machine's, in seconds, when an answer carried a `Date`.
    pub clock_offset_secs: Option<f64>,
}

impl Access {
    /// A step that ended without a token (or did not run).
    pub fn without_client(report: StepReport, clock_offset_secs: Option<f64>) -> Self {
        Self {
            report,
            client: None,
            clock_offset_secs,
        }
    }
}

/// Runs step 4.
pub async fn run(config: &Config, scopes: &[String], annex: Option<&Annex>) -> Access {
    let mut step = StepBuilder::new(StepId::AccessManagement);
    let client_id = match config.client_id() {
        Ok(id) => id.to_owned(),
        Err(e) => {
            step.check("client-id", Verdict::Fail, e.to_string());
            step.remedy(format!(
                "add the client-id Smals registered to [client_id] {} in {}",
                config.environment, config.origin
            ));
            return Access::without_client(step.finish("no client-id is configured"), None);
        }
    };
    step.check("client-id", Verdict::Pass, format!("`{client_id}`"));
    let client = match BcssClient::new(config) {
        Ok(client) => client,
        Err(e) => {
            step.check("client set-up", Verdict::Fail, e.to_string());
            step.remedy("fix the configuration key named above");
            return Access::without_client(step.finish("the client cannot be built"), None);
        }
    };
    let requested = if scopes.is_empty() {
        ScopeSet::new(config.token.scopes.iter().cloned())
    } else {
        ScopeSet::new(scopes.iter().cloned())
    };
    let endpoint = config.endpoints().token_endpoint;
    let fetched = match client.tokens() {
        Some(tokens) => tokens.token_for(&requested).await,
        // `BcssClient::new` always has a provider; only in-memory clients lack one.
        None => Err(bcss_runtime::TokenError::Aborted(
            "this client obtains no token (in memory)".into(),
        )),
    };
    let offset = client.clock_offset_secs();
    clock(&mut step, offset, config);
    let token = match fetched {
        Ok(token) => token,
        Err(e) => {
            refusal(&mut step, &e, &requested, &client_id);
            return Access::without_client(
                step.finish("no token: the token request was refused or failed"),
                offset,
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
    Access {
        report: step.finish(summary),
        client: Some(client),
        clock_offset_secs: offset,
    }
}

/// The clock check: client assertions are dated, and a server that disagrees with this
/// machine's clock refuses them. The runtime corrects an offset within its bound; the machine's
/// clock should still be fixed.
fn clock(step: &mut StepBuilder, offset: Option<f64>, config: &Config) {
    const FIX: &str = "synchronise this machine's clock with NTP (`timedatectl set-ntp true`, chrony or w32time) — BCSS servers refuse client assertions dated by a wrong clock";
    let Some(offset) = offset else {
        step.check(
            "clock",
            Verdict::Skipped,
            "the token endpoint's answer carried no `Date` header: the clock offset is unknown",
        );
        return;
    };
    let max = config.token.max_clock_correction.as_secs_f64();
    let corrected = config.token.clock_correction;
    if offset.abs() < 5.0 {
        step.check(
            "clock",
            Verdict::Pass,
            format!("in step with the token endpoint (offset {offset:+.0} s)"),
        );
    } else if corrected && offset.abs() <= max {
        step.check_kind(
            "clock",
            Verdict::Warn,
            format!("this machine's clock is {offset:+.0} s off the token endpoint's; the runtime dates assertions by the server's clock"),
            "clock_offset",
        );
        step.remedy(FIX);
    } else {
        step.check_kind(
            "clock",
            Verdict::Fail,
            format!(
                "this machine's clock is {offset:+.0} s off the token endpoint's, {}",
                if corrected {
                    format!("more than the {max:.0} s the runtime corrects ([token] max_clock_correction_secs)")
                } else {
                    "and [token] clock_correction is off".to_owned()
                }
            ),
            "clock_offset",
        );
        step.remedy(FIX);
    }
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
