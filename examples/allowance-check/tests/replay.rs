//! The rule on a replayed recording of a session against the sandbox (over mutual TLS, with a
//! real token): the same decision, with no sandbox, no socket and no token.

mod common;

use allowance_check::Decision;
use bcss_runtime::testing::Replayer;
use bcss_social_status::Client;

#[tokio::test]
async fn the_recorded_sandbox_session_replays_to_the_same_decision_without_the_network() {
    let replayer = Replayer::load(common::recording()).unwrap();
    let client = Client::from_runtime(replayer.client());
    assert!(!client.runtime().uses_network());
    let decision = common::session(&client).await.unwrap();
    assert_eq!(
        decision,
        Decision::Working {
            since: "2019-03-01".parse().unwrap()
        }
    );
    replayer.verify_all_replayed().unwrap();
    assert_eq!(bcss_runtime::transport::network_requests_sent(), 0);
}

#[tokio::test]
async fn asking_for_another_person_than_recorded_is_a_clear_error_without_the_ssin() {
    let replayer = Replayer::load(common::recording())
        .unwrap()
        .allow_unmatched();
    let client = Client::from_runtime(replayer.client());
    let other = allowance_check::Ssin::new("90010100123").unwrap();
    let date = "2026-01-15".parse().unwrap();
    let mut cache = allowance_check::HistoryCache::default();
    // The first request binds the recording's pseudonym to the SSIN it is given; a session
    // that consults someone else the second time does not match.
    common::session(&client).await.unwrap();
    let error = allowance_check::decide(&client, &other, date, &mut cache)
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("searchPersons"), "{message}");
    assert!(!message.contains("90010100123"), "{message}");
    assert_eq!(replayer.unmatched().len(), 1);
}

#[test]
fn the_committed_recording_holds_no_ssin_token_or_key() {
    let file = std::fs::read_to_string(common::recording()).unwrap();
    assert!(
        !file.contains(common::SSIN),
        "the SSIN sent is in the recording"
    );
    assert!(!file.contains("eyJ"), "a JWT is in the recording");
    assert!(!file.contains("PRIVATE KEY"));
    let recording: serde_json::Value = serde_json::from_str(&file).unwrap();
    for exchange in recording["exchanges"].as_array().unwrap() {
        let headers = exchange["request"]["headers"].as_object().unwrap();
        assert!(
            !headers
                .keys()
                .any(|h| h.eq_ignore_ascii_case("authorization")),
            "the bearer token's header is in the recording"
        );
    }
}
