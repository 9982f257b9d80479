use std::path::{Path, PathBuf};

use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde_json::{Value, json};

use super::*;
use crate::response::Response;
use crate::testing::redact::pseudonym;
use crate::testing::{FakeGateway, Fault, Recorder, Reply};

const A: &str = "85073003328";

/// A valid SSIN other than `A`, from nine digits.
fn ssin(first9: u64) -> String {
    format!("{first9:09}{:02}", 97 - first9 % 97)
}

fn json_reply(status: u16, body: Value) -> Reply {
    let mut r = TransportResponse::new(
        StatusCode::from_u16(status).unwrap(),
        serde_json::to_vec(&body).unwrap(),
    );
    r.headers
        .insert(CONTENT_TYPE, "application/json".parse().unwrap());
    Reply::Answer(r)
}

async fn search(client: &BcssClient, who: &str, legal_context: &str) -> Result<Response, Error> {
    client
        .post("/demo/v1/persons/query")
        .operation("searchPersons")
        .json(&json!({"ssins": [who], "legalContext": legal_context}))
        .send_raw()
        .await
}

async fn history(client: &BcssClient, who: &str) -> Result<Response, Error> {
    client
        .get(&format!("/demo/v1/persons/{who}/history"))
        .operation("getHistory")
        .send_raw()
        .await
}

/// Records: search `A` (answered with `A` and a name), then the history of `A`.
async fn record_session(dir: &Path) -> PathBuf {
    let gateway = FakeGateway::default();
    gateway.reply_to(
        "searchPersons",
        json_reply(200, json!({"items": [{"ssin": A, "lastName": "Peeters"}]})),
    );
    gateway.reply_to("getHistory", json_reply(200, json!({"periods": [1, 2]})));
    let path = dir.join("session.json");
    let recorder = Recorder::new(&path, Redactor::new()).unwrap();
    let client = recorder.wrap(gateway.client());
    let found = search(&client, A, "LC").await.unwrap();
    assert!(String::from_utf8_lossy(found.body()).contains("Peeters"));
    history(&client, A).await.unwrap();
    recorder.finish().unwrap();
    path
}

#[tokio::test]
async fn what_is_written_is_redacted_but_the_live_exchange_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let gateway = FakeGateway::default();
    gateway.reply_to(
        "searchPersons",
        json_reply(200, json!({"items": [{"ssin": A, "lastName": "Peeters"}]})),
    );
    let path = dir.path().join("live.json");
    let recorder = Recorder::new(&path, Redactor::new()).unwrap();
    let client = recorder.wrap(gateway.client());
    let answer = search(&client, A, "LC").await.unwrap();
    let answer = String::from_utf8_lossy(answer.body()).into_owned();
    assert!(answer.contains(A) && answer.contains("Peeters"));
    assert!(String::from_utf8_lossy(gateway.sent()[0].body.as_ref().unwrap()).contains(A));
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(!file.contains(A) && !file.contains("Peeters"), "{file}");
    assert!(file.contains(&pseudonym(1, true)));
    assert!(file.contains(&format!("\"format\": \"{}\"", crate::testing::FORMAT)));
}

#[tokio::test]
async fn the_file_is_complete_after_each_exchange_and_no_temporary_file_remains() {
    let dir = tempfile::tempdir().unwrap();
    let gateway = FakeGateway::default();
    gateway.reply_to("getHistory", json_reply(200, json!({})));
    let path = dir.path().join("steps.json");
    let (client, recorder) = crate::testing::record(gateway.client(), &path).unwrap();
    assert_eq!(Recording::load(&path).unwrap().exchanges.len(), 0);
    for n in 1..=3 {
        history(&client, A).await.unwrap();
        assert_eq!(Recording::load(&path).unwrap().exchanges.len(), n);
    }
    assert_eq!(recorder.len(), 3);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["steps.json"]);
}

#[tokio::test]
async fn a_recorder_on_a_folder_that_does_not_exist_fails_at_once_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing/session.json");
    let err = Recorder::new(&path, Redactor::new()).unwrap_err();
    assert_eq!(err.path, path);
    assert!(err.to_string().contains("writable"), "{err}");
}

#[tokio::test]
async fn a_replay_binds_other_real_ssins_to_the_recorded_pseudonyms_and_answers_as_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = record_session(dir.path()).await;
    let before = crate::transport::network_requests_sent();
    let (client, replayer) = replay(&path).unwrap();
    let other = ssin(710_101_123);
    let found = search(&client, &other, "LC").await.unwrap();
    let found: Value = found.json().unwrap();
    assert_eq!(
        found,
        json!({"items": [{"ssin": pseudonym(1, true), "lastName": "REDACTED"}]})
    );
    assert_eq!(history(&client, &other).await.unwrap().status(), 200);
    replayer.verify_all_replayed().unwrap();
    assert_eq!(crate::transport::network_requests_sent(), before);
}

#[tokio::test]
async fn a_pseudonym_from_a_replayed_answer_matches_itself() {
    let dir = tempfile::tempdir().unwrap();
    let path = record_session(dir.path()).await;
    let (client, replayer) = replay(&path).unwrap();
    search(&client, &ssin(710_101_123), "LC").await.unwrap();
    history(&client, &pseudonym(1, true)).await.unwrap();
    replayer.verify_all_replayed().unwrap();
}

#[tokio::test]
async fn a_real_ssin_stays_bound_to_its_pseudonym_for_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let path = record_session(dir.path()).await;
    let replayer = Replayer::load(&path).unwrap().allow_unmatched();
    let client = replayer.client();
    let (first, second) = (ssin(710_101_123), ssin(720_202_234));
    search(&client, &first, "LC").await.unwrap();
    let err = history(&client, &second).await.unwrap_err().to_string();
    assert!(err.contains("the SSIN at path"), "{err}");
    assert!(!err.contains(&first) && !err.contains(&second), "{err}");
    assert_eq!(replayer.unused(), ["/exchanges/1: getHistory, attempt 1"]);
}

#[tokio::test]
async fn an_unmatched_request_says_what_differed_and_how_to_re_record_without_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = record_session(dir.path()).await;
    let replayer = Replayer::load(&path).unwrap().allow_unmatched();
    let client = replayer.client();
    let err = search(&client, A, "OTHER").await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("operation `searchPersons`"), "{message}");
    assert!(message.contains("/legalContext"), "{message}");
    assert!(message.contains("record the session again"), "{message}");
    assert!(message.contains("session.json"), "{message}");
    assert!(
        !message.contains(A) && !message.contains("OTHER"),
        "{message}"
    );
    let never = client
        .get("/demo/v1/health")
        .operation("health")
        .send_raw()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        never.contains("recorded: getHistory, searchPersons"),
        "{never}"
    );
    assert_eq!(replayer.unmatched().len(), 2);
    assert!(replayer.verify().is_err());
}

#[tokio::test]
async fn more_requests_than_recorded_are_unmatched() {
    let dir = tempfile::tempdir().unwrap();
    let path = record_session(dir.path()).await;
    let replayer = Replayer::load(&path).unwrap().allow_unmatched();
    let client = replayer.client();
    search(&client, A, "LC").await.unwrap();
    let again = search(&client, A, "LC").await.unwrap_err().to_string();
    assert!(again.contains("all replayed already"), "{again}");
}

#[tokio::test]
async fn dropping_a_replayer_after_an_unmatched_request_fails_the_test() {
    let dir = tempfile::tempdir().unwrap();
    let path = record_session(dir.path()).await;
    let (client, replayer) = replay(&path).unwrap();
    let _ = search(&client, A, "OTHER").await;
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(replayer)));
    assert!(dropped.is_err());
}

#[tokio::test]
async fn a_retried_call_replays_its_fault_then_its_answer() {
    let dir = tempfile::tempdir().unwrap();
    let gateway = FakeGateway::default();
    gateway.reply_to("getHistory", Reply::Fault(Fault::ConnectionClosed));
    gateway.reply_to("getHistory", json_reply(200, json!({"periods": []})));
    let path = dir.path().join("retry.json");
    let (client, _recorder) = crate::testing::record(gateway.client(), &path).unwrap();
    assert_eq!(history(&client, A).await.unwrap().attempts(), 2);
    let recording = Recording::load(&path).unwrap();
    let fault = recording.exchanges[0].fault.as_ref().unwrap();
    assert_eq!(fault.kind, "connection_closed");

    let (client, replayer) = replay(&path).unwrap();
    let replayed = history(&client, A).await.unwrap();
    assert_eq!((replayed.status().as_u16(), replayed.attempts()), (200, 2));
    replayer.verify_all_replayed().unwrap();
}

#[test]
fn an_unreadable_or_foreign_file_is_refused_naming_it_and_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.json");
    let err = Replayer::load(&missing).unwrap_err();
    assert!(err.to_string().contains("none.json") && err.message.contains("record it first"));
    let foreign = dir.path().join("foreign.json");
    std::fs::write(&foreign, r#"{"format": "har/1.2", "exchanges": []}"#).unwrap();
    let err = Replayer::load(&foreign).unwrap_err();
    assert!(
        err.message.contains("`har/1.2` is not `bcss-recording/1`"),
        "{err}"
    );
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"format": "bcss-recording/1", "redacted": [], "exchanges": [{"template": "/x", "attempt": "one"}]}"#,
    )
    .unwrap();
    let err = Replayer::load(&broken).unwrap_err();
    assert!(err.message.contains("exchanges[0].attempt"), "{err}");
}

#[tokio::test]
async fn links_to_the_gateway_are_recorded_without_its_origin_and_replayed_on_the_client_s() {
    let dir = tempfile::tempdir().unwrap();
    let gateway = FakeGateway::default();
    let origin = gateway
        .client()
        .endpoints()
        .gateway
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let next = format!("{origin}/demo/v1/persons/query?page=2");
    gateway.reply_to("searchPersons", json_reply(200, json!({"next": next})));
    let path = dir.path().join("links.json");
    let (client, _recorder) = crate::testing::record(gateway.client(), &path).unwrap();
    search(&client, A, "LC").await.unwrap();
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(!file.contains(&origin), "{file}");
    assert!(file.contains("https://gateway.invalid/demo/v1/persons/query?page=2"));

    let (client, _replayer) = replay(&path).unwrap();
    let replayed: Value = search(&client, A, "LC").await.unwrap().json().unwrap();
    assert_eq!(replayed, json!({"next": next}));
}

#[tokio::test]
async fn a_header_that_differs_from_the_recorded_one_is_unmatched_by_name_not_value() {
    let dir = tempfile::tempdir().unwrap();
    let gateway = FakeGateway::default();
    gateway.reply_to("getHistory", json_reply(200, json!({"periods": []})));
    let path = dir.path().join("headers.json");
    let recorder = Recorder::new(&path, Redactor::new()).unwrap();
    let recorded = recorder.wrap(gateway.client());
    let read = |client: &BcssClient, context: &'static str| {
        client
            .get("/demo/v1/persons/{ref}/history")
            .operation("getHistory")
            .path_param("ref", "r1")
            .header("LegalContext", context)
            .send_raw()
    };
    read(&recorded, "FAMILY_ALLOWANCES:ENTITLEMENT")
        .await
        .unwrap();
    recorder.finish().unwrap();

    let same = Replayer::load(&path).unwrap();
    let status = read(&same.client(), "FAMILY_ALLOWANCES:ENTITLEMENT")
        .await
        .unwrap()
        .status();
    assert_eq!(
        status, 200,
        "the same header, and a fresh BelGov-Trace-Id, match"
    );
    let other = Replayer::load(&path).unwrap().allow_unmatched();
    let client = other.client();
    let message = read(&client, "SOCIAL_WELFARE:OTHER")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("header `legalcontext` differs"),
        "{message}"
    );
    assert!(!message.contains("SOCIAL_WELFARE"), "{message}");
}
