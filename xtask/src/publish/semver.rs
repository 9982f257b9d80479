//! `cargo semver-checks` between the registry's previous version and the crate about to be
//! published: the second opinion, from the compiled public API, on `bcss diff`'s verdict.

use std::path::Path;
use std::process::Command;

use super::Result;

/// What `cargo semver-checks` says of the new crate taken as a minor release of the baseline.
pub struct SemverVerdict {
    /// It found changes that need a major version.
    pub breaking: bool,
    /// Its findings (the lints that failed), for the refusal message.
    pub findings: String,
}

/// Runs the check; `target_dir` keeps its builds between runs.
pub fn check(manifest: &Path, baseline: &Path, target_dir: &Path) -> Result<SemverVerdict> {
    let version = Command::new(super::cargo())
        .args(["semver-checks", "--version"])
        .output();
    if !version.is_ok_and(|o| o.status.success()) {
        return Err("cargo semver-checks is not installed: `cargo install --locked cargo-semver-checks` (.ci/run does so when it is absent)".into());
    }
    // Asked as a minor release whatever the versions say: the answer is then "does the Rust API
    // break?", the same question `bcss diff` answers.
    let output = Command::new(super::cargo())
        .args([
            "semver-checks",
            "--color",
            "never",
            "--release-type",
            "minor",
        ])
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--baseline-root")
        .arg(baseline)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        return Ok(SemverVerdict {
            breaking: false,
            findings: String::new(),
        });
    }
    if !text.contains("semver requires new major version") {
        return Err(format!("cargo semver-checks failed:\n{}", super::tail(&text, 20)).into());
    }
    // The failed lints and the items they name, without their long descriptions.
    let findings = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| {
            let t = l.trim();
            if let Some(lint) = t.strip_prefix("--- failure ") {
                Some(lint.trim_end_matches(" ---").to_owned())
            } else {
                t.split_once(", previously in file")
                    .map(|(item, _)| format!("  {item}"))
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok(SemverVerdict {
        breaking: true,
        findings,
    })
}
