//! The `bcss-sandbox` binary: starts, writes its directory, says where, stops on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[cfg(unix)]
#[test]
fn binary_writes_dir_prints_ready_line_and_exits_zero_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bcss-sandbox"))
        .arg("--dir")
        .arg(dir.path())
        .args([
            "--client-id",
            "cli:client",
            "--scope",
            "scope:a",
            "--token-lifetime",
            "30",
            "--clock-offset-secs",
            "-600",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut ready = None;
    let mut banner = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        banner.push_str(&line);
        banner.push('\n');
        if let Some(path) = line.strip_prefix("ready: ") {
            ready = Some(path.to_string());
            break;
        }
    }
    let ready = ready.expect("a ready: line");
    assert!(banner.contains("clock offset     -600 s"), "{banner}");
    assert_eq!(
        std::path::Path::new(&ready),
        dir.path().join("endpoints.json")
    );
    let endpoints: bcss_sandbox::Endpoints =
        serde_json::from_str(&std::fs::read_to_string(&ready).expect("endpoints.json"))
            .expect("json");
    assert_eq!(endpoints.client_id, "cli:client");
    assert_eq!(endpoints.scopes, ["scope:a"]);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert!(
        child.wait().expect("exit status").success(),
        "exit code 0 after SIGTERM"
    );
}

#[test]
fn help_shows_an_example() {
    let output = Command::new(env!("CARGO_BIN_EXE_bcss-sandbox"))
        .arg("--help")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(text.contains("Example:"));
    assert!(text.contains("--gateway-mtls-port"));
}

#[cfg(unix)]
#[test]
fn binary_serves_the_contracts_given_with_contract() {
    let dir = tempfile::tempdir().expect("tempdir");
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bcss-sandbox"))
        .arg("--dir")
        .arg(dir.path())
        .arg("--contract")
        .arg(specs.join("socialStatus"))
        .arg("--contract")
        .arg(specs.join("employerRegistry/openapi.yaml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut contracts = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if line.starts_with("ready: ") {
            break;
        }
        if let Some(rest) = line.trim().strip_prefix("contract") {
            contracts.push(rest.trim().to_string());
        }
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert!(child.wait().expect("exit status").success());
    assert_eq!(contracts.len(), 2, "{contracts:?}");
    assert!(contracts[0].starts_with("socialStatus at /socialStatus/v1"));
    assert!(contracts[1].starts_with("employerRegistry at /employerRegistry/v1"));
}

#[test]
fn binary_refuses_an_invalid_contract_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let contract =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/invalid/swagger-1.2.yaml");
    let output = Command::new(env!("CARGO_BIN_EXE_bcss-sandbox"))
        .arg("--dir")
        .arg(dir.path())
        .arg("--contract")
        .arg(&contract)
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("swagger-1.2.yaml"), "{stderr}");
    assert!(stderr.contains("Swagger 1.2"), "{stderr}");
}
