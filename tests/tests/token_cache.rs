//! Token caching under concurrency: single-flight on a cold cache, refresh on rejection,
//! rollover under load.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bcss_e2e::Harness;
use bcss_sandbox::{Fault, FaultRule, FaultTarget, SandboxConfig, Settings};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_on_a_cold_cache_cause_exactly_one_token_request() {
    let h = Harness::start().await;
    let client = h.client();
    let calls = (0..1000).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .get(&format!("/demo/v1/persons/{:011}", i))
                .send()
                .await
                .map(|r| r.trace().sent.clone())
        })
    });
    let results = futures_util::future::join_all(calls).await;
    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().unwrap().as_ref().err().map(|e| e.to_string()))
        .collect();
    assert!(
        failures.is_empty(),
        "{} failed, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert_eq!(h.token_requests().len(), 1);
    assert_eq!(client.tokens().unwrap().requests_sent(), 1);

    // Every BelGov-Trace-Id the gateway received is unique.
    let gateway = h.gateway_requests();
    assert_eq!(gateway.len(), 1000);
    let ids: HashSet<_> = gateway.iter().filter_map(|e| e.trace_id.clone()).collect();
    assert_eq!(ids.len(), 1000);
}

#[tokio::test]
async fn a_rejected_token_is_dropped_refreshed_and_the_call_retried_once() {
    let h = Harness::start().await;
    let client = h.client();
    client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap();
    h.sandbox
        .push_fault(FaultRule::once(FaultTarget::Gateway, Fault::ExpiredToken));
    // A POST: retrying after a token rejection is safe for any method.
    let response = client
        .post("/demo/v1/persons/query")
        .json(&serde_json::json!({"ssin": "00000000097"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(h.token_requests().len(), 2);
    let gateway = h.gateway_requests();
    assert_eq!(gateway.len(), 3);
    assert_eq!(gateway[1].outcome, "expiredAccessToken");
    assert_ne!(
        gateway[1].access_token_id, gateway[2].access_token_id,
        "a new token was used"
    );
    assert_ne!(
        gateway[1].trace_id, gateway[2].trace_id,
        "a new trace id per attempt"
    );
}

#[tokio::test]
async fn a_token_rejected_twice_is_reported_not_retried_forever() {
    let h = Harness::start().await;
    h.sandbox
        .push_fault(FaultRule::always(FaultTarget::Gateway, Fault::ExpiredToken));
    let err = h
        .client()
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.problem().unwrap().problem_type(),
        bcss_runtime::ProblemType::ExpiredAccessToken
    );
    assert_eq!(h.gateway_requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_roll_over_under_load_with_zero_failed_calls() {
    let config = SandboxConfig {
        settings: Settings {
            token_lifetime_secs: 2,
            ..Settings::default()
        },
        ..SandboxConfig::default()
    };
    let h = Harness::start_with(config).await;
    let client = h.client();
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let (client, stop, ok) = (client.clone(), stop.clone(), ok.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    client.get("/demo/v1/persons/00000000097").send().await?;
                    ok.fetch_add(1, Ordering::Relaxed);
                }
                Ok::<_, bcss_runtime::Error>(())
            })
        })
        .collect();
    // Run until three tokens have been used (two rollovers), bounded in time.
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.token_requests().len() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap().unwrap();
    }
    let tokens = h.token_requests();
    assert!(
        tokens.len() >= 3,
        "only {} token requests in 20 s",
        tokens.len()
    );
    assert!(tokens.iter().all(|t| t.outcome == "ok"));
    let rejected = h
        .gateway_requests()
        .iter()
        .filter(|e| e.status != 200)
        .count();
    assert_eq!(rejected, 0, "no call was refused during rollover");
    assert!(ok.load(Ordering::Relaxed) > 100);
}
