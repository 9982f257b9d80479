//! Record a real session against the sandbox (mutual TLS, a real token), then replay it with no
//! sandbox at all: the file holds no secret and no SSIN that was sent, and the replayed session
//! behaves as the recorded one.

use std::path::{Path, PathBuf};

use bcss_e2e::Harness;
use bcss_runtime::testing::{Recording, Replayer, record};
use bcss_runtime::{HealthStatus, ProblemType};
use bcss_sandbox::{Fault, FaultRule, FaultTarget, SandboxConfig};
use bcss_social_status::Client;
use bcss_social_status::types::{PersonsQuery, SsinReference};

const SSIN: &str = "85073003328";
const MISTYPED: &str = "85073003329";

fn spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/socialStatus")
}

fn query(ssin: &str) -> PersonsQuery {
    serde_json::from_value(serde_json::json!({
        "ssins": [ssin],
        "legalContext": Client::DEFAULT_LEGAL_CONTEXT,
    }))
    .unwrap()
}

/// What the partner's code saw of the session.
#[derive(Debug, PartialEq)]
struct Seen {
    search_status: u16,
    items: usize,
    history_status: u16,
    health: HealthStatus,
    problem: ProblemType,
}

/// `xtask demo` steps 5–8: search (SSIN in the body), health, history (after a 429 when the
/// sandbox was told to send one), and a problem for a mistyped SSIN.
async fn session(client: &Client) -> Seen {
    let page = client
        .search_persons(&query(SSIN))
        .page_size(20)
        .send()
        .await
        .unwrap();
    let health = client.health().await.unwrap();
    let reference = SsinReference::new("pZ3mK8sQ1vN0bT7yL2wR4e").unwrap();
    let history = client.get_status_history(&reference).send().await.unwrap();
    let err = client
        .search_persons(&query(MISTYPED))
        .send()
        .await
        .unwrap_err();
    let problem = err.problem().unwrap_or_else(|| panic!("a problem: {err}"));
    Seen {
        search_status: page.status().as_u16(),
        items: page.items.len(),
        history_status: history.status().as_u16(),
        health: health.status,
        problem: problem.problem_type(),
    }
}

#[tokio::test]
async fn a_recorded_sandbox_session_holds_no_secret_nor_ssin_and_replays_without_the_network() {
    let h = Harness::start_with(SandboxConfig {
        scopes: Client::SCOPES.iter().map(|s| s.to_string()).collect(),
        ..SandboxConfig::default()
    })
    .await;
    h.sandbox.serve_contract(&spec()).unwrap();
    let config = h.config();
    let key_pem = std::fs::read_to_string(h.file("client.key")).unwrap();
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("social-status.json");

    // Record.
    let live = Client::new(&config).unwrap();
    let (runtime, recorder) = record(live.runtime().clone(), &path).unwrap();
    let recorded_client = Client::from_runtime(runtime);
    h.sandbox.push_fault(
        FaultRule::once(
            FaultTarget::Gateway,
            Fault::TooManyRequests {
                retry_after_secs: 1,
            },
        )
        .path_prefix("/socialStatus/v1/persons/pZ3mK8sQ1vN0bT7yL2wR4e"),
    );
    let recorded = session(&recorded_client).await;
    assert_eq!(
        recorded,
        Seen {
            search_status: 200,
            items: 1,
            history_status: 200,
            health: HealthStatus::Up,
            problem: ProblemType::BadRequest,
        }
    );
    let token = live.runtime().tokens().unwrap().token().await.unwrap();
    let recording = recorder.finish().unwrap();
    let history: Vec<_> = recording
        .exchanges
        .iter()
        .filter(|x| x.operation.as_deref() == Some("getStatusHistory"))
        .map(|x| (x.attempt, x.response.as_ref().map(|r| r.status)))
        .collect();
    assert_eq!(history, [(1, Some(429)), (2, Some(200))]);

    // What the file holds.
    let file = std::fs::read_to_string(&path).unwrap();
    assert_eq!(Recording::load(&path).unwrap(), recording);
    assert!(
        !file.contains(token.expose()),
        "the access token is in the file"
    );
    assert!(!file.contains("eyJ"), "a JWT is in the file");
    assert!(!file.contains("PRIVATE KEY"));
    let key_chunk = key_pem.lines().nth(1).unwrap();
    assert!(
        key_chunk.len() >= 40 && !file.contains(key_chunk),
        "key material in the file"
    );
    assert!(
        !file.contains(SSIN) && !file.contains(MISTYPED),
        "an SSIN sent is in the file"
    );
    let origin = live
        .runtime()
        .endpoints()
        .gateway
        .as_str()
        .trim_end_matches('/');
    assert!(
        !file.contains(origin),
        "the gateway's origin (its port) is in the file"
    );

    // Replay, the sandbox gone.
    h.sandbox.shutdown().await;
    let before = bcss_runtime::transport::network_requests_sent();
    let replayer = Replayer::load(&path).unwrap();
    let replayed = session(&Client::from_runtime(
        replayer.client_with(&config).unwrap(),
    ))
    .await;
    assert_eq!(replayed, recorded);
    replayer.verify_all_replayed().unwrap();
    assert_eq!(bcss_runtime::transport::network_requests_sent(), before);
}
