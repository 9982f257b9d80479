//! What is retried and what is not: 429/503 honoured for idempotent calls only, connection drops,
//! and the wait budget.

use std::time::{Duration, Instant};

use bcss_e2e::Harness;
use bcss_runtime::{ProblemType, RetryPolicy};
use bcss_sandbox::{Fault, FaultRule, FaultTarget};
use serde_json::json;

fn gateway_fault(fault: Fault) -> FaultRule {
    FaultRule::once(FaultTarget::Gateway, fault).path_prefix("/demo/")
}

#[tokio::test]
async fn too_many_requests_on_get_waits_retry_after_then_succeeds() {
    let h = Harness::start().await;
    let client = h.client();
    h.sandbox.push_fault(gateway_fault(Fault::TooManyRequests {
        retry_after_secs: 1,
    }));
    let started = Instant::now();
    let response = client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!((response.status().as_u16(), response.attempts()), (200, 2));
    let outcomes: Vec<_> = h.gateway_requests().into_iter().map(|e| e.status).collect();
    assert_eq!(outcomes, [429, 200]);
}

#[tokio::test]
async fn service_unavailable_with_retry_after_sec_is_honoured_for_put() {
    let h = Harness::start().await;
    h.sandbox
        .push_fault(gateway_fault(Fault::ServiceUnavailable {
            retry_after_secs: 1,
        }));
    let response = h
        .client()
        .put("/demo/v1/persons/00000000097/address")
        .json(&json!({"street": "Rue Royale"}))
        .scopes(["scope:cbss:api:demo:update"])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(h.gateway_requests().len(), 2);
}

#[tokio::test]
async fn post_is_not_retried_and_the_error_carries_the_wait() {
    let h = Harness::start().await;
    h.sandbox.push_fault(gateway_fault(Fault::TooManyRequests {
        retry_after_secs: 1,
    }));
    let err = h
        .client()
        .post("/demo/v1/persons/query")
        .json(&json!({"ssin": "00000000097"}))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(
        err.problem().unwrap().problem_type(),
        ProblemType::TooManyRequests
    );
    let bcss_runtime::ErrorKind::Problem { retry_after, .. } = err.kind() else {
        panic!("{err}")
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(1)));
    assert_eq!(h.gateway_requests().len(), 1);
}

#[tokio::test]
async fn post_marked_repeatable_is_retried() {
    let h = Harness::start().await;
    h.sandbox
        .push_fault(gateway_fault(Fault::ServiceUnavailable {
            retry_after_secs: 0,
        }));
    let response = h
        .client()
        .post("/demo/v1/persons/query")
        .json(&json!({"ssin": "00000000097"}))
        .repeatable()
        .send()
        .await
        .unwrap();
    assert_eq!(response.attempts(), 2);
}

#[tokio::test]
async fn a_wait_beyond_the_budget_is_not_attempted() {
    let h = Harness::start().await;
    h.sandbox.push_fault(gateway_fault(Fault::TooManyRequests {
        retry_after_secs: 3600,
    }));
    let started = Instant::now();
    let err = h
        .client()
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.status(), Some(429));
    assert_eq!(h.gateway_requests().len(), 1);
}

#[tokio::test]
async fn dropped_connection_is_retried_for_get_but_not_for_post() {
    let h = Harness::start().await;
    let client = h.client();
    h.sandbox.push_fault(gateway_fault(Fault::DropConnection));
    let response = client
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap();
    assert_eq!(response.attempts(), 2);

    h.sandbox.push_fault(gateway_fault(Fault::DropConnection));
    let err = client
        .post("/demo/v1/persons/query")
        .json(&json!({"ssin": "00000000097"}))
        .send()
        .await
        .unwrap_err();
    let t = err
        .transport()
        .unwrap_or_else(|| panic!("transport error expected: {err}"));
    assert_eq!(
        t.kind,
        bcss_runtime::TransportErrorKind::ConnectionClosed,
        "{err}"
    );
}

#[tokio::test]
async fn internal_server_error_is_not_retried() {
    let h = Harness::start().await;
    h.sandbox
        .push_fault(gateway_fault(Fault::InternalServerError));
    let err = h
        .client()
        .get("/demo/v1/persons/00000000097")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.problem().unwrap().problem_type(),
        ProblemType::InternalServerError
    );
    assert_eq!(h.gateway_requests().len(), 1);
}

#[tokio::test]
async fn bad_gateway_is_retried_with_backoff_up_to_max_attempts() {
    let h = Harness::start().await;
    h.sandbox
        .push_fault(gateway_fault(Fault::BadGateway).times(5));
    let policy = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let err = h
        .client()
        .get("/demo/v1/persons/00000000097")
        .retry(policy)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(h.gateway_requests().len(), 3);
}
