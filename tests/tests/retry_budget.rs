//! The retry budget: when the gateway is down, 200 concurrent callers do not turn into
//! hundreds of retries (attempts counted in the sandbox's request log), failures past the budget
//! say so, and successes refill it.

use bcss_e2e::Harness;
use bcss_runtime::{RetryBudgetSettings, RetryPolicy};
use bcss_sandbox::{Fault, FaultRule, FaultTarget};
use std::time::Duration;

const PERSON: &str = "/demo/v1/persons/00000000097";
const CALLERS: usize = 200;

fn gateway_down() -> FaultRule {
    FaultRule {
        times: 0,
        ..FaultRule::once(FaultTarget::Gateway, Fault::Down).path_prefix("/demo/")
    }
}

fn client(h: &Harness, budget: RetryBudgetSettings) -> bcss_runtime::BcssClient {
    let mut config = h.config();
    config.retry = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    config.retry_budget = budget;
    bcss_runtime::BcssClient::new(&config).unwrap()
}

async fn call_all(client: &bcss_runtime::BcssClient) -> Vec<bcss_runtime::Error> {
    let calls = (0..CALLERS).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get(PERSON).send().await })
    });
    let mut errors = Vec::new();
    for call in calls {
        errors.push(call.await.unwrap().expect_err("the gateway is down"));
    }
    errors
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_costs_at_most_the_budget_in_retries() {
    let h = Harness::start().await;
    let budget = RetryBudgetSettings {
        capacity: 100,
        retry_cost: 5,
        timeout_retry_cost: 10,
    };
    let client = client(&h, budget);
    client.tokens().unwrap().token().await.unwrap();
    h.sandbox.push_fault(gateway_down());
    let errors = call_all(&client).await;

    let attempts = h.gateway_requests().len();
    // 200 first attempts, and 100 / 5 = 20 retries in all: without the budget it would be 600.
    assert_eq!(attempts, CALLERS + 20, "attempts sent");
    let refused = errors
        .iter()
        .filter(|e| e.is_retry_budget_exhausted())
        .count();
    assert!(
        refused >= CALLERS - 20,
        "{refused} failures said the budget was exhausted"
    );
    let example = errors
        .iter()
        .find(|e| e.is_retry_budget_exhausted())
        .unwrap();
    assert_eq!(
        example.status(),
        Some(503),
        "the failure itself stays readable"
    );
    assert!(example.to_string().contains("retry budget"), "{example}");
    assert_eq!(client.retry_budget_available(), 0);
}

#[tokio::test]
async fn successes_refill_the_budget_and_retries_resume() {
    let h = Harness::start().await;
    let budget = RetryBudgetSettings {
        capacity: 10,
        retry_cost: 5,
        timeout_retry_cost: 10,
    };
    let client = client(&h, budget);
    h.sandbox.push_fault(gateway_down());
    for _ in 0..2 {
        client.get(PERSON).send().await.unwrap_err();
    }
    assert_eq!(client.retry_budget_available(), 0);
    h.sandbox.clear_faults();
    for _ in 0..5 {
        client.get(PERSON).send().await.unwrap();
    }
    assert_eq!(client.retry_budget_available(), 5);
    h.sandbox.clear_log();
    h.sandbox
        .push_fault(FaultRule::once(FaultTarget::Gateway, Fault::Down).path_prefix("/demo/"));
    let response = client.get(PERSON).send().await.unwrap();
    assert_eq!(
        response.attempts(),
        2,
        "the refilled budget paid for a retry"
    );
    assert_eq!(
        client.retry_budget_available(),
        5,
        "a success after a retry gives the retry's cost back"
    );
}

#[tokio::test]
async fn a_zero_capacity_turns_the_budget_off() {
    let h = Harness::start().await;
    let client = client(
        &h,
        RetryBudgetSettings {
            capacity: 0,
            ..RetryBudgetSettings::default()
        },
    );
    h.sandbox.push_fault(gateway_down());
    for _ in 0..3 {
        let e = client.get(PERSON).send().await.unwrap_err();
        assert!(!e.is_retry_budget_exhausted());
    }
    assert_eq!(h.gateway_requests().len(), 9);
}
