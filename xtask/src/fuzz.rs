//! `cargo xtask fuzz --seconds S [--target NAME]`: runs the cargo-fuzz targets of `fuzz/` for S
//! seconds each, on a seed corpus built at run time, and fails if libFuzzer finds a crash.
//!
//! The corpus lives in `target/fuzz-corpus/<target>/` (never in the repository): the contract
//! target is seeded from every YAML/JSON file under `specs/` and `../shared/corpus/`, the runtime
//! target from `fuzz/seeds/runtime_decoding/`. What libFuzzer adds is kept there between runs.
//! Nothing is installed: cargo-fuzz and a nightly toolchain must be present.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The targets of `fuzz/Cargo.toml`.
const TARGETS: [&str; 2] = ["contract", "runtime_decoding"];

#[derive(clap::Args)]
pub struct Args {
    /// How long to fuzz each target, in seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Only this target (`contract` or `runtime_decoding`).
    #[arg(long)]
    target: Option<String>,
}

struct Run {
    target: &'static str,
    seconds: f64,
    executions: Option<u64>,
    corpus_files: usize,
    corpus_bytes: u64,
}

pub fn run(args: Args) -> Result<()> {
    let root = std::fs::canonicalize(crate::generate::workspace_root())?;
    let targets: Vec<&'static str> = match &args.target {
        Some(name) => vec![
            *TARGETS
                .iter()
                .find(|t| **t == name.as_str())
                .ok_or_else(|| format!("no fuzz target `{name}`: {}", TARGETS.join(", ")))?,
        ],
        None => TARGETS.to_vec(),
    };
    preflight()?;
    let mut runs = Vec::new();
    for target in targets {
        let corpus = root.join("target/fuzz-corpus").join(target);
        let seeds = seed(&root, target, &corpus)?;
        println!(
            "== fuzz {target}: {seeds} seeds, corpus {} , {} s",
            corpus.display(),
            args.seconds
        );
        runs.push(fuzz(&root, target, &corpus, args.seconds)?);
    }
    println!("\n| target | ran | executions | corpus |\n|---|---|---|---|");
    for r in &runs {
        println!(
            "| {} | {:.0} s | {} | {} files, {} KiB |",
            r.target,
            r.seconds,
            r.executions
                .map_or_else(|| "?".to_owned(), |n| n.to_string()),
            r.corpus_files,
            r.corpus_bytes / 1024
        );
    }
    Ok(())
}

/// A nightly toolchain and cargo-fuzz, or a clear message saying how to get them.
fn preflight() -> Result<()> {
    let toolchains = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .map_err(|e| format!("cannot run `rustup toolchain list`: {e}; cargo fuzz needs rustup and a nightly toolchain"))?;
    if !String::from_utf8_lossy(&toolchains.stdout).contains("nightly") {
        return Err("no nightly toolchain (`rustup toolchain list` shows none): cargo fuzz needs one; install it with `rustup toolchain install nightly`".into());
    }
    let fuzz = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !fuzz.is_ok_and(|s| s.success()) {
        return Err(
            "cargo-fuzz is not installed: install it with `cargo install cargo-fuzz --locked`, then run this again".into(),
        );
    }
    Ok(())
}

/// Writes the seeds of `target` into `corpus` (named by content, so re-seeding is idempotent).
fn seed(root: &Path, target: &str, corpus: &Path) -> Result<usize> {
    std::fs::create_dir_all(corpus)?;
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    match target {
        "contract" => {
            let mut files = Vec::new();
            for dir in [root.join("specs"), root.join("../shared/corpus")] {
                if dir.is_dir() {
                    crate::corpus::collect(&dir, &mut files)?;
                } else {
                    println!("(no {}: not used as seeds)", dir.display());
                }
            }
            files.sort();
            for file in files {
                let bytes = std::fs::read(&file)?;
                // The target's first byte picks the file name: even = YAML, odd = JSON.
                let json = file.extension().is_some_and(|e| e == "json");
                let mut seed = vec![u8::from(json)];
                seed.extend_from_slice(&bytes);
                seeds.push(seed);
            }
        }
        _ => {
            let dir = root.join("fuzz/seeds").join(target);
            if dir.is_dir() {
                for entry in std::fs::read_dir(&dir)? {
                    seeds.push(std::fs::read(entry?.path())?);
                }
            }
        }
    }
    for seed in &seeds {
        std::fs::write(corpus.join(format!("seed-{:016x}", fnv1a(seed))), seed)?;
    }
    Ok(seeds.len())
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `cargo +nightly fuzz run TARGET CORPUS -- -max_total_time=S`, with libFuzzer's log in
/// `target/fuzz-corpus/TARGET.log` and its summary lines on the terminal.
fn fuzz(root: &Path, target: &'static str, corpus: &Path, seconds: u64) -> Result<Run> {
    let artifacts = root.join("fuzz/artifacts").join(target);
    std::fs::create_dir_all(&artifacts)?;
    let before = artifact_names(&artifacts)?;
    let log_path = root
        .join("target/fuzz-corpus")
        .join(format!("{target}.log"));
    let mut log = std::fs::File::create(&log_path)?;
    let started = Instant::now();
    // Safe Rust throughout the fuzzed code: no sanitizer, for twice the executions per second.
    let mut child = Command::new("cargo")
        .args(["+nightly", "fuzz", "run", "--sanitizer", "none", target])
        .arg(corpus)
        .args([
            "--".to_owned(),
            format!("-max_total_time={seconds}"),
            "-timeout=20".to_owned(),
            "-rss_limit_mb=4096".to_owned(),
            "-print_final_stats=1".to_owned(),
        ])
        .current_dir(root)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC")
        .env_remove("RUSTDOC")
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo +nightly fuzz: {e}"))?;
    let mut executions = None;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    for line in BufReader::new(stderr).lines() {
        let line = line?;
        use std::io::Write as _;
        writeln!(log, "{line}")?;
        // libFuzzer: "Done 123456 runs in 600 second(s)", "stat::number_of_executed_units: N".
        if let Some(n) = line
            .strip_prefix("stat::number_of_executed_units:")
            .and_then(|n| n.trim().parse().ok())
        {
            executions = Some(n);
        }
        let progress = line.starts_with('#')
            || line.starts_with(char::is_whitespace)
            || line.starts_with("Loaded ");
        if !progress || line.contains("pulse") || line.contains("DONE") {
            eprintln!("{line}");
        }
    }
    let status = child.wait()?;
    let elapsed = started.elapsed().as_secs_f64();
    let new: Vec<String> = artifact_names(&artifacts)?
        .into_iter()
        .filter(|n| !before.contains(n))
        .collect();
    if !status.success() || !new.is_empty() {
        let mut message = format!(
            "fuzz target `{target}` failed after {elapsed:.0} s (log: {})",
            log_path.display()
        );
        for name in &new {
            message.push_str(&format!(
                "\n  crash input: {}\n  reproduce: cargo +nightly fuzz run --sanitizer none {target} {}",
                artifacts.join(name).display(),
                artifacts.join(name).display()
            ));
        }
        return Err(message.into());
    }
    let (corpus_files, corpus_bytes) = std::fs::read_dir(corpus)?
        .filter_map(|e| e.ok()?.metadata().ok())
        .fold((0, 0), |(n, b), m| (n + 1, b + m.len()));
    Ok(Run {
        target,
        seconds: elapsed,
        executions,
        corpus_files,
        corpus_bytes,
    })
}

fn artifact_names(dir: &Path) -> Result<Vec<String>> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
        .collect())
}
