//! `cargo xtask publish`: `--dry-run` packages bcss-runtime and every generated client under
//! `clients/` together (so the clients resolve the unpublished runtime from the same batch);
//! `--registry NAME` publishes them to a Cargo registry, a client only when the version policy
//! holds against the registry's previous version (`bcss diff` and `cargo semver-checks` agree).

mod registry;
mod release;
mod semver;
mod stage;

use std::path::PathBuf;
use std::process::Command;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// `cargo xtask publish` arguments.
#[derive(clap::Args)]
pub struct Args {
    /// Only run `cargo package` (builds each packaged crate from its .crate file).
    #[arg(long, conflicts_with = "registry")]
    dry_run: bool,
    /// Publish to this registry (as Cargo knows it: `[registries.NAME]` or
    /// `CARGO_REGISTRIES_NAME_INDEX`; its token from `CARGO_REGISTRIES_NAME_TOKEN`).
    #[arg(long)]
    registry: Option<String>,
    /// A generated client crate to publish (repeatable; default: every crate under clients/).
    #[arg(long = "crate", requires = "registry")]
    crates: Vec<PathBuf>,
    /// Skip Cargo's build of each packaged crate before upload.
    #[arg(long)]
    no_verify: bool,
}

pub fn run(args: Args) -> Result<()> {
    match args.registry {
        Some(name) => release::run(&name, &args.crates, !args.no_verify),
        None => package(args.dry_run),
    }
}

/// The Cargo that runs this task.
fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The last `lines` lines of a tool's output, indented, for an error message.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    all[all.len().saturating_sub(lines)..]
        .iter()
        .map(|l| format!("    {l}\n"))
        .collect()
}

fn package(dry_run: bool) -> Result<()> {
    let root = crate::generate::workspace_root();
    let mut packages = vec!["bcss-runtime".to_owned()];
    for (spec, client) in crate::generate::SAMPLES {
        let manifest =
            std::fs::read_to_string(root.join("clients").join(client).join("Cargo.toml"))?;
        let sha = manifest
            .lines()
            .find_map(|l| l.strip_prefix("contract-sha256 = "))
            .unwrap_or("(missing)")
            .trim_matches('"');
        println!("bcss-{client}: contract specs/{spec}, sha256 {sha}");
        packages.push(format!("bcss-{client}"));
    }
    forget_stale_local_packages()?;
    // The batch's temporary registry is reused between runs too, and Cargo never rebuilds a
    // registry crate whose version it has built before: verify in a target dir of its own,
    // without any earlier build of our crates.
    let verify_dir = root.join("target/package-verify");
    let _ = std::fs::remove_dir_all(verify_dir.join("package/tmp-registry"));
    forget_builds_of_our_crates(&verify_dir.join("debug"))?;
    let mut cmd = Command::new(cargo());
    cmd.arg(if dry_run { "package" } else { "publish" })
        .current_dir(&root)
        .arg("--target-dir")
        .arg(&verify_dir);
    for p in &packages {
        cmd.args(["-p", p]);
    }
    if !dry_run {
        cmd.arg("--no-verify");
    }
    let status = cmd.status()?;
    if !status.success() {
        return Err(format!(
            "cargo {} failed",
            if dry_run { "package" } else { "publish" }
        )
        .into());
    }
    println!(
        "{} {} crates: {}",
        if dry_run { "packaged" } else { "published" },
        packages.len(),
        packages.join(", ")
    );
    Ok(())
}

/// Packaging several crates together goes through a temporary local registry, whose sources
/// Cargo extracts under `$CARGO_HOME/registry/src/-<hash>/` and never refreshes while the version
/// stays the same: a later `cargo package` would verify the clients against an old runtime.
/// Those extracted copies of our own crates are removed first.
fn forget_stale_local_packages() -> Result<()> {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    for kind in ["src", "cache"] {
        let Ok(registries) = std::fs::read_dir(home.join("registry").join(kind)) else {
            continue;
        };
        for registry in registries.flatten() {
            // Local (path) registries are named `-<hash>`; crates.io's start with its host name.
            if !registry.file_name().to_string_lossy().starts_with('-') {
                continue;
            }
            for entry in std::fs::read_dir(registry.path())?.flatten() {
                if entry.file_name().to_string_lossy().starts_with("bcss-") {
                    remove(&entry.path())?;
                }
            }
        }
    }
    Ok(())
}

/// Removes the build artifacts and fingerprints of `bcss-*` crates under `profile_dir`.
fn forget_builds_of_our_crates(profile_dir: &std::path::Path) -> Result<()> {
    for sub in [".fingerprint", "deps", "build"] {
        let Ok(entries) = std::fs::read_dir(profile_dir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("bcss-")
                || name.starts_with("bcss_")
                || name.starts_with("libbcss_")
            {
                remove(&entry.path())?;
            }
        }
    }
    Ok(())
}

/// Removes a file or a folder.
fn remove(path: &std::path::Path) -> std::io::Result<()> {
    if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
}
