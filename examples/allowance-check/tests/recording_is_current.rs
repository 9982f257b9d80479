//! The committed recording goes stale in a test, not silently: the session is recorded again
//! against the sandbox and must give the same file, trace ids and dates aside.
//! `BCSS_RECORD=1 cargo test -p allowance-check --test recording_is_current` writes it anew.

mod common;

use bcss_runtime::testing::record;
use bcss_sandbox::{Sandbox, SandboxConfig};
use bcss_social_status::Client;
use serde_json::Value;

#[tokio::test]
async fn the_committed_recording_is_what_the_sandbox_session_records_today() {
    bcss_runtime::install_crypto_provider();
    let sandbox = Sandbox::start(SandboxConfig {
        scopes: Client::SCOPES.iter().map(|s| s.to_string()).collect(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/socialStatus");
    sandbox.serve_contract(&spec).unwrap();
    let dir = tempfile::tempdir().unwrap();
    sandbox.write_dir(dir.path()).unwrap();
    let config = bcss_runtime::Config::from_file(&dir.path().join("bcss.toml")).unwrap();
    let live = Client::new(&config).unwrap();
    let fresh = dir.path().join("recording.json");
    let (runtime, recorder) = record(live.runtime().clone(), &fresh).unwrap();
    common::session(&Client::from_runtime(runtime))
        .await
        .unwrap();
    recorder.finish().unwrap();
    sandbox.shutdown().await;

    let committed = common::recording();
    if std::env::var_os("BCSS_RECORD").is_some() {
        std::fs::copy(&fresh, &committed).unwrap();
        return;
    }
    let read = |path: &std::path::Path| -> Value {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        without_volatile(serde_json::from_str(&text).unwrap())
    };
    assert!(
        read(&fresh) == read(&committed),
        "{} is stale: the sandbox session records differently today; review and re-record with \
         `BCSS_RECORD=1 cargo test -p allowance-check --test recording_is_current`",
        committed.display()
    );
}

/// The recording less what changes on every run: trace ids and `Date` headers.
fn without_volatile(mut value: Value) -> Value {
    if let Some(exchanges) = value["exchanges"].as_array_mut() {
        for exchange in exchanges {
            for side in ["request", "response"] {
                if let Some(headers) = exchange[side]["headers"].as_object_mut() {
                    headers.retain(|name, _| {
                        !matches!(
                            name.as_str(),
                            "date" | "belgov-trace-id" | "belgov-related-trace-id"
                        )
                    });
                }
            }
        }
    }
    value
}
