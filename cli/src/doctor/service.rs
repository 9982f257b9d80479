//! Step 5, service access: `GET /{api}/health` with the token from step 4, as the onboarding
//! document suggests to verify the whole set-up.

use bcss_runtime::{BcssClient, Error, HealthStatus, ProblemType};

use super::network::kind;
use super::report::{StepBuilder, StepId, StepReport, Verdict};

/// Runs step 5 for `api` (e.g. `demo/v1`). Without an API, the token of step 4 is the proof the
/// document accepts, so the step passes and says how to go further.
pub async fn run(client: &BcssClient, api: Option<&str>) -> StepReport {
    let mut step = StepBuilder::new(StepId::ServiceAccess);
    let Some(api) = api.map(|a| a.trim_matches('/')).filter(|a| !a.is_empty()) else {
        step.check(
            "health",
            Verdict::Skipped,
            "no --api given: a token was obtained (step 4), which the onboarding document accepts as proof of the set-up",
        );
        return step
            .finish("set-up proven by the token; give --api NAME to call the service's /health");
    };
    let env = client.environment();
    let url = format!("{}{api}/health", client.endpoints().gateway);
    match client.health(api).await {
        Ok(health) => {
            let trace = &health.trace.sent;
            let (verdict, word) = match &health.status {
                HealthStatus::Up => (Verdict::Pass, "UP".to_owned()),
                HealthStatus::Degraded => (Verdict::Warn, "DEGRADED".to_owned()),
                HealthStatus::Down => (Verdict::Fail, "DOWN".to_owned()),
                HealthStatus::Other(s) => (Verdict::Warn, s.clone()),
            };
            step.check(
                "health",
                verdict,
                format!(
                    "GET {url} → HTTP {} {word} (BelGov-Trace-Id {trace})",
                    health.http_status
                ),
            );
            match verdict {
                Verdict::Fail => step.remedy(format!(
                    "the service reports itself down: your set-up reached it (token accepted, gateway passed), so there is nothing to fix on your side; retry later, or ask esb@ksz-bcss.fgov.be quoting the BelGov-Trace-Id {trace}"
                )),
                Verdict::Warn => step.remedy(
                    "the service runs with reduced function: calls may fail; retry later if they do",
                ),
                _ => {}
            }
            step.finish(format!("{api} answers {word}"))
        }
        Err(e) => failure(step, &e, api, &url, env.to_string()),
    }
}

fn failure(mut step: StepBuilder, e: &Error, api: &str, url: &str, env: String) -> StepReport {
    if let Some(t) = e.transport() {
        step.check_kind("health", Verdict::Fail, t.message.clone(), kind(t.kind));
        step.remedy(t.hint.clone());
        return step.finish("the gateway could not be reached for the health call");
    }
    let status = e.status().unwrap_or(0);
    let problem = e.problem().map(|p| p.problem_type());
    let observed = format!("GET {url} → {e}");
    match (status, problem) {
        (404, _) => {
            // The document: if the service is not yet deployed in that environment,
            // validating that a token can be obtained is enough.
            step.check_kind("health", Verdict::Warn, observed, "not_deployed");
            step.remedy(format!(
                "{api} is not deployed in {env} (yet). As the onboarding document says, obtaining a token (step 4) already proves the set-up; check the API name and version against its OpenAPI contract, and call /health again once the service is deployed"
            ));
            step.finish(format!(
                "{api} is not deployed in {env}; the token proves the set-up"
            ))
        }
        (403, Some(ProblemType::MissingScope | ProblemType::MissingPermission)) => {
            step.check_kind("health", Verdict::Fail, observed, "missing_scope");
            step.remedy(
                "the token lacks a scope or permission this API requires: ask BCSS (esb@ksz-bcss.fgov.be) to grant it and list it in the partner annex",
            );
            step.finish("the gateway refuses the token for this API")
        }
        (401, _) => {
            step.check_kind("health", Verdict::Fail, observed, "token_rejected");
            step.remedy(
                "the gateway rejected the token: make sure the token endpoint and the gateway belong to the same environment (see [endpoints] in bcss.toml)",
            );
            step.finish("the gateway rejects the token")
        }
        _ => {
            step.check("health", Verdict::Fail, observed);
            step.remedy("quote the BelGov-Trace-Id above to esb@ksz-bcss.fgov.be");
            step.finish("the health call failed")
        }
    }
}
