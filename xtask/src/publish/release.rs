//! `cargo xtask publish --registry NAME`: the runtime when the registry lacks its version, then
//! each client crate, after three checks against the registry's newest earlier version: the
//! version is new, `bcss diff` of the two contracts allows the version step, and
//! `cargo semver-checks` of the two crates agrees.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use bcss_codegen::CrateManifest;
use bcss_codegen::diff::{Bump, ContractDiff};
use bcss_codegen::version::{allows, next_version};

use super::registry::{Published, Registry};
use super::semver::{self, SemverVerdict};
use super::stage::stage;
use super::{Result, cargo, tail};

pub fn run(registry_name: &str, crates: &[PathBuf], verify: bool) -> Result<()> {
    let root = crate::generate::workspace_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let work = target.join("publish");
    std::fs::create_dir_all(&work)?;
    let registry = Registry::new(registry_name, &work);
    let token = registry.token_variable();
    if std::env::var_os(&token).is_none() {
        println!(
            "note: no {token} in the environment: Cargo uses the credentials stored by `cargo login --registry {registry_name}`"
        );
    }
    let crates: Vec<PathBuf> = if crates.is_empty() {
        crate::generate::SAMPLES
            .iter()
            .map(|(_, client)| root.join("clients").join(client))
            .collect()
    } else {
        crates.to_vec()
    };
    // Read them all first: a bad folder stops the run before anything is uploaded.
    let clients = crates.iter().map(|d| read(d)).collect::<Result<Vec<_>>>()?;

    let runtime_version = workspace_version(&root)?;
    match registry.newest("bcss-runtime", &format!("={runtime_version}"))? {
        Some(_) => println!("bcss-runtime {runtime_version}: already in `{registry_name}`, kept"),
        None => {
            let mut cmd = Command::new(cargo());
            cmd.current_dir(&root)
                .args(["publish", "-p", "bcss-runtime", "--registry", registry_name])
                .arg("--target-dir")
                .arg(work.join("build"));
            if !verify {
                cmd.arg("--no-verify");
            }
            run_cargo(cmd, "publish bcss-runtime")?;
            println!("bcss-runtime {runtime_version}: published to `{registry_name}`");
        }
    }
    // Each client stands alone: one refused does not hold back the others, and the run fails
    // after saying every refusal.
    let refused: Vec<String> = clients
        .iter()
        .filter_map(|c| publish_client(c, &registry, &work, verify).err())
        .map(|e| e.to_string())
        .collect();
    match refused.len() {
        0 => Ok(()),
        1 => Err(refused.concat().into()),
        n => Err(format!(
            "{n} crates not published:\n\n{}",
            refused.join("\n\nerror: ")
        )
        .into()),
    }
}

fn publish_client(
    client: &CrateManifest,
    registry: &Registry,
    work: &Path,
    verify: bool,
) -> Result<()> {
    let (name, version) = (&client.name, client.version);
    if let Some(same) = registry.newest(name, &format!("={version}"))? {
        let published = read(&same.dir)?;
        let what = if published.contract_sha256 == client.contract_sha256 {
            "from the same contract: there is nothing new to publish".to_owned()
        } else {
            format!(
                "from another contract (SHA-256 {} there, {} here): a registry never replaces a version, so regenerate with the published crate as --previous and the version policy picks the next version",
                short(&published.contract_sha256),
                short(&client.contract_sha256)
            )
        };
        return Err(format!(
            "{name} {version} is already in registry `{}`, {what}",
            registry.name
        )
        .into());
    }
    let staged = stage(client, &work.join("stage"), &registry.name)?;
    let previous = registry.newest(name, &format!("<{version}"))?;
    if let Some(previous) = &previous {
        check_against(client, previous, &staged, &work.join("semver-checks"))?;
    }
    let mut cmd = Command::new(cargo());
    cmd.args(["publish", "--allow-dirty", "--registry", &registry.name])
        .arg("--manifest-path")
        .arg(staged.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(work.join("build"));
    if !verify {
        cmd.arg("--no-verify");
    }
    run_cargo(cmd, &format!("publish {name}"))?;
    let after = previous
        .map(|p| format!(" (after {})", p.version))
        .unwrap_or_default();
    println!(
        "{name} {version}{after}: published to `{}`, contract SHA-256 {}",
        registry.name,
        short(&client.contract_sha256)
    );
    Ok(())
}

/// Refuses the version unless both verdicts allow it; says where they disagree.
fn check_against(
    client: &CrateManifest,
    previous: &Published,
    staged: &Path,
    semver_target: &Path,
) -> Result<()> {
    let before = read(&previous.dir)?;
    let diff = bcss_codegen::diff::diff_contracts(&before.contract, &client.contract)
        .map_err(|d| d.to_string())?;
    let verdict = semver::check(&staged.join("Cargo.toml"), &previous.dir, semver_target)?;
    let needed = if verdict.breaking {
        Bump::Major
    } else {
        diff.required_bump()
    };
    let (name, version) = (&client.name, client.version);
    println!(
        "{name}: {} -> {version}: bcss diff says {}, cargo semver-checks says {}",
        previous.version,
        rust_verdict(diff.rust_breaking()),
        rust_verdict(verdict.breaking),
    );
    if diff.rust_breaking() != verdict.breaking {
        println!(
            "warning: bcss diff and cargo semver-checks disagree on {name}; the stricter verdict applies (please report the contract pair)"
        );
    }
    if allows(previous.version, version, needed) {
        return Ok(());
    }
    Err(refusal(client, previous, &diff, &verdict, needed).into())
}

fn rust_verdict(breaking: bool) -> &'static str {
    if breaking {
        "the Rust API breaks"
    } else {
        "the Rust API is compatible"
    }
}

/// The message of a refused publish: what breaks, by both tools, and the version that would do.
fn refusal(
    client: &CrateManifest,
    previous: &Published,
    diff: &ContractDiff,
    verdict: &SemverVerdict,
    needed: Bump,
) -> String {
    let wanted = next_version(previous.version, &diff.new.version, needed);
    let mut s = format!(
        "{} {} is not published: it breaks the Rust API of {}, the registry's previous version, without a major version step (it needs {wanted}).\n\nbcss diff, contract {} -> {}:\n{}",
        client.name,
        client.version,
        previous.version,
        diff.old.version,
        diff.new.version,
        diff.to_markdown()
    );
    if verdict.breaking {
        let _ = write!(
            s,
            "\ncargo semver-checks, {} -> {} as a minor release:\n{}\n",
            previous.version,
            client.version,
            tail(&verdict.findings, 30)
        );
    } else {
        s.push_str("\ncargo semver-checks finds no break in the compiled API; bcss diff's verdict applies.\n");
    }
    let _ = write!(
        s,
        "\nRegenerate with the published crate as the previous release, and the version policy sets {wanted} and the changelog entry:\n    cargo xtask generate --spec <the new contract> --out {} --previous {}",
        client.dir.display(),
        previous.dir.display()
    );
    s
}

/// `[workspace.package] version`: the runtime's.
fn workspace_version(root: &Path) -> Result<String> {
    let manifest: toml::Table = toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml"))?)?;
    manifest
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "Cargo.toml: no [workspace.package] version".into())
}

fn run_cargo(mut cmd: Command, what: &str) -> Result<()> {
    let output = cmd.output()?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "cargo {what} failed:\n{}",
        tail(&String::from_utf8_lossy(&output.stderr), 15)
    )
    .into())
}

/// A crate's manifest, its diagnostic as this task's error.
fn read(dir: &Path) -> Result<CrateManifest> {
    CrateManifest::read(dir).map_err(|d| d.to_string().into())
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}
