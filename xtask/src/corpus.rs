//! `cargo xtask corpus [DIR]`: generate a client for every contract under DIR (default
//! `../shared/corpus`), `cargo check` them all, and make sure every contract the generator cannot
//! take (Swagger 2.0, OpenAPI 3.1) gets a diagnostic rather than a panic or a broken crate.

use std::path::{Path, PathBuf};
use std::process::Command;

use bcss_codegen::Generator;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

enum Outcome {
    Generated { crate_name: String, summary: String },
    Diagnosed(String),
    Failed(String),
}

pub fn run(dir: Option<PathBuf>) -> Result<()> {
    let root = crate::generate::workspace_root();
    // Absolute, so that staged copies can link back into it.
    let dir = std::path::absolute(dir.unwrap_or_else(|| root.join("../shared/corpus")))?;
    let mut contracts = Vec::new();
    collect(&dir, &mut contracts)?;
    contracts.sort();
    if contracts.is_empty() {
        return Err(format!("no contract found under {}", dir.display()).into());
    }
    let work = tempfile::tempdir()?;
    let runtime = std::path::absolute(root.join("runtime"))?;
    let mut rows = Vec::new();
    for (i, contract) in contracts.iter().enumerate() {
        let shown = contract
            .strip_prefix(&dir)
            .unwrap_or(contract)
            .display()
            .to_string();
        let crate_name = format!("corpus-{i:02}");
        let out = work.path().join("crates").join(&crate_name);
        let outcome = std::panic::catch_unwind(|| {
            generate(contract, &dir, &crate_name, &runtime, &out, work.path())
        })
        .unwrap_or_else(|_| Outcome::Failed("the generator panicked".into()));
        rows.push((shown, outcome));
    }
    std::fs::write(
        work.path().join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"crates/*\"]\n",
    )?;
    std::fs::copy(root.join("Cargo.lock"), work.path().join("Cargo.lock"))?;
    let generated = rows
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Generated { .. }))
        .count();
    let mut check_ok = true;
    if generated > 0 {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["check", "--workspace", "--keep-going", "--quiet"])
            .current_dir(work.path())
            .env("CARGO_TARGET_DIR", root.join("target"))
            .status()?;
        check_ok = status.success();
    }
    println!("\n{:<70} outcome", "contract");
    let mut failed = 0;
    for (name, outcome) in &rows {
        let text = match outcome {
            Outcome::Generated {
                crate_name,
                summary,
            } => format!("generated {crate_name}: {summary}"),
            Outcome::Diagnosed(d) => format!("diagnosed: {}", d.lines().next().unwrap_or_default()),
            Outcome::Failed(f) => {
                failed += 1;
                format!("FAILED: {f}")
            }
        };
        println!("{name:<70} {text}");
    }
    println!(
        "\n{} contracts: {generated} generated and {}, {} diagnosed, {failed} failed",
        rows.len(),
        if check_ok {
            "all pass cargo check"
        } else {
            "cargo check FAILED"
        },
        rows.iter()
            .filter(|(_, o)| matches!(o, Outcome::Diagnosed(_)))
            .count()
    );
    if failed > 0 || !check_ok {
        return Err("the corpus run failed".into());
    }
    Ok(())
}

/// Every YAML or JSON file under `dir`, recursively.
pub fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(path);
        }
    }
    Ok(())
}

fn generate(
    contract: &Path,
    corpus: &Path,
    crate_name: &str,
    runtime: &Path,
    out: &Path,
    work: &Path,
) -> Outcome {
    let build = |spec: &Path| {
        Generator::new(spec)
            .crate_name(crate_name)
            .runtime_path(runtime)
            .standalone(false)
            .write_to(out)
    };
    let mut result = build(contract);
    // Belgif's example contracts `$ref: belgif/…` as if they sat beside the `belgif/` folder of a
    // release zip: stage them that way.
    if result
        .as_ref()
        .is_err_and(|d| d.file.starts_with("belgif/"))
    {
        let stage = work.join(format!("stage-{crate_name}"));
        let staged = stage.join(contract.file_name().unwrap_or_default());
        let belgif = corpus.join("belgif");
        let linked = std::fs::create_dir_all(&stage)
            .and_then(|_| std::fs::copy(contract, &staged))
            .and_then(|_| symlink_dir(&belgif, &stage.join("belgif")));
        if linked.is_ok() {
            result = build(&staged);
        }
    }
    match result {
        Ok(g) => Outcome::Generated {
            crate_name: crate_name.into(),
            summary: g.summary(),
        },
        // A diagnostic (file, pointer, what, hint) is the promised answer to input the generator
        // cannot take; only a panic or a crate that does not compile is a failure.
        Err(d) => Outcome::Diagnosed(d.to_string()),
    }
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink_dir(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("staging needs symlinks"))
}
