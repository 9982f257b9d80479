//! A partner clock minutes off the servers': the runtime reads the offset from the `Date` of the
//! token endpoint's refusal, signs again by the servers' clock, and the call succeeds; beyond
//! the bound (or with the correction off) the refusal says to fix the clock.

use std::time::{SystemTime, UNIX_EPOCH};

use bcss_e2e::Harness;

const PERSON: &str = "/demo/v1/persons/00000000097";

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `iat` of the assertion sent with the `n`th token request.
fn iat_of(h: &Harness, n: usize) -> i64 {
    h.token_requests()[n]
        .token
        .as_ref()
        .and_then(|t| t.assertion_claims.as_ref())
        .and_then(|c| c["iat"].as_i64())
        .expect("the assertion's iat")
}

#[tokio::test]
async fn a_clock_minutes_ahead_is_corrected_and_the_call_succeeds() {
    let h = Harness::start().await;
    // The servers are five minutes behind this machine: its assertions look issued in the future.
    h.sandbox.set_clock_offset_secs(-300).unwrap();
    let client = h.client();
    let response = client.get(PERSON).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let offset = client.clock_offset_secs().unwrap();
    assert!((-302.0..=-298.0).contains(&offset), "measured {offset}");
    let statuses: Vec<u16> = h.token_requests().iter().map(|e| e.status).collect();
    assert!(
        statuses.len() == 2 && statuses[0] >= 400 && statuses[1] == 200,
        "one refusal, then a token by the servers' clock: {statuses:?}"
    );
    let corrected = iat_of(&h, 1);
    assert!(
        (corrected - (unix_now() - 300)).abs() <= 3,
        "the second assertion is dated by the servers' clock: iat {corrected}"
    );
    // Later tokens are dated right the first time.
    client
        .tokens()
        .unwrap()
        .token_for(&bcss_runtime::ScopeSet::new(["scope:cbss:api:demo:update"]))
        .await
        .unwrap();
    assert_eq!(h.token_requests().len(), 3);
}

#[tokio::test]
async fn a_clock_minutes_behind_is_corrected_too() {
    let h = Harness::start().await;
    // The servers are ten minutes ahead: a five-minute assertion has already expired for them.
    h.sandbox.set_clock_offset_secs(600).unwrap();
    let client = h.client();
    client.get(PERSON).send().await.unwrap();
    let offset = client.clock_offset_secs().unwrap();
    assert!((598.0..=602.0).contains(&offset), "measured {offset}");
    assert!((iat_of(&h, 1) - (unix_now() + 600)).abs() <= 3);
}

#[tokio::test]
async fn the_gateway_date_alone_corrects_the_next_assertion() {
    let h = Harness::start().await;
    let client = h.client();
    client.get(PERSON).send().await.unwrap();
    // The servers' clock jumps 200 s ahead. An assertion dated by this machine would still be
    // accepted (it expires 300 s after its iat), so only its iat shows the correction: the next
    // one (another scope set) is dated by the servers' clock, read from the gateway's `Date`.
    h.sandbox.set_clock_offset_secs(200).unwrap();
    client.get(PERSON).send().await.unwrap();
    client
        .tokens()
        .unwrap()
        .token_for(&bcss_runtime::ScopeSet::new(["scope:cbss:api:demo:update"]))
        .await
        .unwrap();
    let statuses: Vec<u16> = h.token_requests().iter().map(|e| e.status).collect();
    assert_eq!(statuses, [200, 200]);
    assert!((iat_of(&h, 1) - (unix_now() + 200)).abs() <= 3);
}

#[tokio::test]
async fn beyond_the_bound_the_refusal_says_to_fix_the_clock() {
    let h = Harness::start().await;
    h.sandbox.set_clock_offset_secs(-3600).unwrap();
    let error = h.client().get(PERSON).send().await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("off the token endpoint's") && text.contains("NTP"),
        "{text}"
    );
    assert_eq!(
        h.token_requests().len(),
        1,
        "no second try beyond the bound"
    );
}

#[tokio::test]
async fn with_the_correction_off_the_offset_is_measured_but_not_applied() {
    let h = Harness::start().await;
    h.sandbox.set_clock_offset_secs(-300).unwrap();
    let mut config = h.config();
    config.token.clock_correction = false;
    let client = bcss_runtime::BcssClient::new(&config).unwrap();
    let error = client.tokens().unwrap().token().await.unwrap_err();
    assert_eq!(
        error.oauth_code().map(|c| c.as_str()),
        Some("invalid_client")
    );
    assert!(client.clock_offset_secs().is_some_and(|o| o < -290.0));
    assert_eq!(h.token_requests().len(), 1);
    assert!(error.to_string().contains("clock_correction"), "{error}");
}
