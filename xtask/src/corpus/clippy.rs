//! One `cargo clippy --features testing -- -D warnings` over the temporary workspace of generated crates (one cargo
//! invocation, so dependencies are checked once and the two CI cores stay busy), its JSON messages
//! attributed to the crates by manifest path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use super::Result;

/// The first error of a crate, to show.
#[derive(Debug, PartialEq, Eq)]
pub struct FirstError {
    /// The lint (`clippy::large_enum_variant`), compiler error code (`E0308`) or `error`.
    pub lint: String,
    /// `file:line`, the file as cargo shows it (relative to the workspace).
    pub at: String,
    /// rustc's rendering, with the offending code line.
    pub rendered: String,
}

/// What clippy said about one crate.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CrateReport {
    /// An artifact was produced: the crate was checked (and passed if `lints` is empty).
    pub checked: bool,
    /// Every lint or error code that failed it.
    pub lints: BTreeSet<String>,
    pub first: Option<FirstError>,
}

/// Runs clippy in `workspace` and reports by manifest path.
pub fn run(workspace: &Path, target_dir: &Path) -> Result<BTreeMap<String, CrateReport>> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "clippy",
            "--workspace",
            "--keep-going",
            "--quiet",
            "--message-format=json",
            // The fakes too (additive): proven on every contract for the cost of one module.
            "--features",
            "testing",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir)
        .stderr(Stdio::piped())
        .output()?;
    // Cargo's own lines (a failing lock file, a dependency that does not build) matter; its
    // "could not compile `corpus-NN`" lines repeat what the report says per contract.
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        let repeated = line.starts_with("error: could not compile `corpus-")
            || line.starts_with("warning: build failed, waiting for other jobs");
        if !repeated {
            eprintln!("{line}");
        }
    }
    Ok(attribute(&String::from_utf8_lossy(&output.stdout)))
}

/// Sorts cargo's JSON messages (one per line) by the manifest they came from.
pub fn attribute(messages: &str) -> BTreeMap<String, CrateReport> {
    let mut reports: BTreeMap<String, CrateReport> = BTreeMap::new();
    for line in messages.lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let Some(manifest) = message["manifest_path"].as_str() else {
            continue;
        };
        let report = reports.entry(manifest.to_string()).or_default();
        match message["reason"].as_str() {
            Some("compiler-artifact") => report.checked = true,
            Some("compiler-message") => {
                let diagnostic = &message["message"];
                // "aborting due to…" and other summaries have no span.
                let spans = diagnostic["spans"]
                    .as_array()
                    .map_or(&[][..], Vec::as_slice);
                if diagnostic["level"] != "error" || spans.is_empty() {
                    continue;
                }
                let lint = diagnostic["code"]["code"]
                    .as_str()
                    .unwrap_or("error")
                    .to_string();
                report.lints.insert(lint.clone());
                if report.first.is_none() {
                    let span = spans
                        .iter()
                        .find(|s| s["is_primary"] == true)
                        .unwrap_or(&spans[0]);
                    report.first = Some(FirstError {
                        lint,
                        at: format!(
                            "{}:{}",
                            span["file_name"].as_str().unwrap_or("?"),
                            span["line_start"]
                        ),
                        rendered: diagnostic["rendered"].as_str().unwrap_or("").to_string(),
                    });
                }
            }
            _ => {}
        }
    }
    reports
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINT: &str = r#"{"reason":"compiler-message","package_id":"path+file:///w/crates/corpus-01#0.1.0","manifest_path":"/w/crates/corpus-01/Cargo.toml","target":{"name":"corpus_01"},"message":{"rendered":"error: large size difference between variants\n","code":{"code":"clippy::large_enum_variant","explanation":null},"level":"error","message":"large size difference between variants","spans":[{"file_name":"crates/corpus-01/src/client.rs","line_start":120,"is_primary":true}]}}"#;
    const ABORT: &str = r#"{"reason":"compiler-message","manifest_path":"/w/crates/corpus-01/Cargo.toml","message":{"rendered":"error: aborting due to 1 previous error\n","code":null,"level":"error","message":"aborting due to 1 previous error","spans":[]}}"#;
    const CLEAN: &str = r#"{"reason":"compiler-artifact","manifest_path":"/w/crates/corpus-02/Cargo.toml","target":{"name":"corpus_02"},"fresh":false}"#;
    const RUNTIME_WARNING: &str = r#"{"reason":"compiler-message","manifest_path":"/r/runtime/Cargo.toml","message":{"rendered":"warning: unused\n","code":{"code":"unused_imports"},"level":"warning","message":"unused","spans":[{"file_name":"/r/runtime/src/lib.rs","line_start":3,"is_primary":true}]}}"#;

    #[test]
    fn errors_are_attributed_to_the_crate_whose_manifest_they_name() {
        let text = [LINT, ABORT, CLEAN, RUNTIME_WARNING, "not json"].join("\n");
        let reports = attribute(&text);
        let failing = &reports["/w/crates/corpus-01/Cargo.toml"];
        assert!(!failing.checked);
        assert_eq!(
            failing.lints,
            BTreeSet::from(["clippy::large_enum_variant".to_string()])
        );
        let first = failing.first.as_ref().unwrap();
        assert_eq!(first.lint, "clippy::large_enum_variant");
        assert_eq!(first.at, "crates/corpus-01/src/client.rs:120");
        let clean = &reports["/w/crates/corpus-02/Cargo.toml"];
        assert!(clean.checked && clean.lints.is_empty() && clean.first.is_none());
        // A warning (not an error) of a path dependency fails nothing.
        assert!(reports["/r/runtime/Cargo.toml"].lints.is_empty());
    }
}
