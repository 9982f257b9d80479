//! `cargo xtask bench-gen [--sizes 10,100,1000,5000] [--check-up-to 1000]`: how the generator's
//! cost grows with the contract.
//!
//! For each size N (operations) it synthesizes a contract with N/2 domain schemas (`cargo xtask
//! synth`, seed 1) in YAML and in JSON, then, in this process, after one warm-up run, takes the
//! median of several runs (fewer for large N) of each stage on the YAML form:
//!
//! - load: `Contract::load` (read, parse, collect references);
//! - IR: `Api::from_contract` + `check::apply`;
//! - emit: `emit::emit`, with rustfmt (what `Generator` does by default) and without it
//!   (prettyplease only);
//! - the parse floor: serde_norway parsing the same YAML text to a `serde_json::Value` (and, for
//!   the JSON form, `Contract::load` against serde_json alone).
//!
//! Peak memory is the peak resident set (Linux `VmHWM`) of a child process (this program again,
//! with the hidden `--one FILE`) that runs one whole generation; rustfmt runs in a process of its
//! own and is not counted. Up to `--check-up-to` operations the generated crate is then
//! `cargo check`ed as a member of a temporary workspace that shares the main `Cargo.lock` and
//! target folder (dependencies warm): one check to warm up, then `src/lib.rs` is touched and the
//! check timed, twice, keeping the faster (another cargo holding the target folder's lock only
//! ever makes a check slower).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use bcss_codegen::Contract;
use bcss_codegen::check::{self, UnauthorisedOperations};
use bcss_codegen::emit::{self, EmitOptions, GeneratedCrate, RuntimeDependency};
use bcss_codegen::ir::Api;

use crate::synth::{self, Format};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Generation within this many times the parse floor is the goal (issue 5).
const FLOOR_GOAL: f64 = 5.0;

#[derive(clap::Args)]
pub struct Args {
    /// Sizes to measure, in operations (each contract has N/2 domain schemas).
    #[arg(long, value_delimiter = ',', default_values_t = [10, 100, 1000, 5000])]
    sizes: Vec<usize>,
    /// `cargo check` the generated crate of every size up to this many operations (0: none).
    #[arg(long, default_value_t = 1000)]
    check_up_to: usize,
    /// Measure this build even if it is unoptimised (by default a debug build of xtask runs
    /// itself again as `cargo run --release`, since timings of unoptimised code mean little).
    #[arg(long)]
    allow_debug: bool,
    /// Internal: generate once from this contract and print the peak memory (the child process).
    #[arg(long, hide = true, conflicts_with_all = ["sizes", "check_up_to", "allow_debug"])]
    one: Option<PathBuf>,
}

/// Medians of one size.
struct Row {
    ops: usize,
    schemas: usize,
    bytes: usize,
    load: Duration,
    ir: Duration,
    emit_fmt: Duration,
    emit_plain: Duration,
    floor: Duration,
    load_json: Duration,
    floor_json: Duration,
    lines: usize,
    peak_mib: Option<f64>,
    check: Option<Duration>,
}

impl Row {
    /// Load + IR + emit with rustfmt: what a generation costs.
    fn total(&self) -> Duration {
        self.load + self.ir + self.emit_fmt
    }

    /// The same without the rustfmt pass: the generator's own work.
    fn own(&self) -> Duration {
        self.load + self.ir + self.emit_plain
    }
}

pub fn run(args: Args) -> Result<()> {
    if let Some(spec) = args.one {
        return one(&spec);
    }
    if args.sizes.is_empty() {
        return Err("--sizes needs at least one size".into());
    }
    if let Some(bad) = args.sizes.iter().find(|&&n| n == 0 || n > synth::MAX_SIZE) {
        return Err(format!(
            "--sizes: {bad} is not a size (1 to {} operations)",
            synth::MAX_SIZE
        )
        .into());
    }
    if cfg!(debug_assertions) && !args.allow_debug {
        return rerun_in_release(&args);
    }
    let root = crate::generate::workspace_root();
    let work = tempfile::tempdir()?;
    let runtime = std::path::absolute(root.join("runtime"))?;
    std::fs::write(
        work.path().join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"crates/*\"]\n",
    )?;
    std::fs::copy(root.join("Cargo.lock"), work.path().join("Cargo.lock"))?;
    println!("machine: {}", machine());
    let mut rows = Vec::new();
    for &ops in &args.sizes {
        let schemas = (ops / 2).max(1);
        eprintln!("bench-gen: {ops} operations, {schemas} schemas …");
        let yaml = work.path().join(format!("synth-{ops}.yaml"));
        let json = work.path().join(format!("synth-{ops}.json"));
        let yaml_text = synth::contract_text(ops, schemas, 1, Format::Yaml)?;
        std::fs::write(&yaml, &yaml_text)?;
        std::fs::write(&json, synth::contract_text(ops, schemas, 1, Format::Json)?)?;
        let mut row = measure(ops, schemas, &yaml, &json)?;
        row.bytes = yaml_text.len();
        row.peak_mib = peak_memory(&yaml)?;
        if ops <= args.check_up_to {
            let name = format!("synth-{ops}");
            let out = work.path().join("crates").join(&name);
            bcss_codegen::Generator::new(&yaml)
                .crate_name(&name)
                .runtime_path(&runtime)
                .standalone(false)
                .write_to(&out)
                .map_err(|d| d.to_string())?;
            row.check = Some(check_time(work.path(), &name, &root)?);
        }
        rows.push(row);
    }
    print_report(&rows);
    Ok(())
}

/// `cargo xtask` builds xtask unoptimised: run the bench from a release build instead.
fn rerun_in_release(args: &Args) -> Result<()> {
    eprintln!(
        "bench-gen: this xtask is an unoptimised build; running it again with `cargo run --release` \
         (the first time builds xtask in release; --allow-debug measures this build instead)"
    );
    let sizes: Vec<String> = args.sizes.iter().map(usize::to_string).collect();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "bench-gen",
        ])
        .arg(format!("--sizes={}", sizes.join(",")))
        .arg(format!("--check-up-to={}", args.check_up_to))
        .current_dir(crate::generate::workspace_root())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err("the release run of bench-gen failed".into())
    }
}

fn runs_for(ops: usize) -> usize {
    match ops {
        0..=100 => 9,
        101..=1000 => 5,
        _ => 3,
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn options(rustfmt: bool) -> EmitOptions {
    EmitOptions {
        crate_name: "bcss-synth".into(),
        runtime: RuntimeDependency::Version(env!("CARGO_PKG_VERSION").into()),
        standalone: true,
        rustfmt,
        previous: None,
    }
}

fn diag(d: bcss_codegen::Diagnostic) -> Box<dyn std::error::Error> {
    d.to_string().into()
}

fn measure(ops: usize, schemas: usize, yaml: &Path, json: &Path) -> Result<Row> {
    let yaml_text = std::fs::read_to_string(yaml)?;
    let json_text = std::fs::read_to_string(json)?;
    let runs = runs_for(ops);
    let mut samples: [Vec<Duration>; 7] = Default::default();
    let mut lines = 0;
    // One warm-up run, not counted.
    for run in 0..=runs {
        let t = Instant::now();
        let contract = Contract::load(yaml).map_err(diag)?;
        let load = t.elapsed();

        let t = Instant::now();
        let mut api = Api::from_contract(&contract).map_err(diag)?;
        let warnings =
            check::apply(&contract, &mut api, None, UnauthorisedOperations::Fail).map_err(diag)?;
        let ir = t.elapsed();
        if let Some(w) = warnings.first() {
            return Err(format!("the synthetic contract gets a warning: {w}").into());
        }

        let t = Instant::now();
        let plain = emit::emit(&api, None, &options(false)).map_err(diag)?;
        let emit_plain = t.elapsed();

        let t = Instant::now();
        let formatted = emit::emit(&api, None, &options(true)).map_err(diag)?;
        let emit_fmt = t.elapsed();
        lines = line_count(&formatted);
        drop((plain, formatted, api, contract));

        let t = Instant::now();
        let value: serde_json::Value = serde_norway::from_str(&yaml_text)?;
        let floor = t.elapsed();
        drop(value);

        let t = Instant::now();
        let contract = Contract::load(json).map_err(diag)?;
        let load_json = t.elapsed();
        drop(contract);

        let t = Instant::now();
        let value: serde_json::Value = serde_json::from_str(&json_text)?;
        let floor_json = t.elapsed();
        drop(value);

        if run > 0 {
            for (s, d) in samples
                .iter_mut()
                .zip([load, ir, emit_plain, emit_fmt, floor, load_json, floor_json])
            {
                s.push(d);
            }
        }
    }
    let [load, ir, emit_plain, emit_fmt, floor, load_json, floor_json] = samples.map(median);
    Ok(Row {
        ops,
        schemas,
        bytes: 0,
        load,
        ir,
        emit_fmt,
        emit_plain,
        floor,
        load_json,
        floor_json,
        lines,
        peak_mib: None,
        check: None,
    })
}

fn line_count(krate: &GeneratedCrate) -> usize {
    krate.files.values().map(|f| f.lines().count()).sum()
}

/// The child: one whole generation, then its own peak resident set.
fn one(spec: &Path) -> Result<()> {
    let generated = bcss_codegen::Generator::new(spec)
        .generate()
        .map_err(diag)?;
    let peak = vm_hwm_kib().ok_or(
        "peak memory is read from /proc/self/status (VmHWM), which only Linux has: \
         run bench-gen on Linux for the memory column",
    )?;
    println!("peak_kib={peak} lines={}", generated.line_count());
    Ok(())
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Peak memory of a child generating from `spec`, in MiB (`None` where it cannot be measured).
fn peak_memory(spec: &Path) -> Result<Option<f64>> {
    if !cfg!(target_os = "linux") {
        eprintln!("bench-gen: peak memory is only measured on Linux (VmHWM); column left empty");
        return Ok(None);
    }
    let output = Command::new(std::env::current_exe()?)
        .arg("bench-gen")
        .arg("--one")
        .arg(spec)
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the memory child failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    let kib: u64 = stdout
        .split_whitespace()
        .find_map(|w| w.strip_prefix("peak_kib="))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("the memory child printed no peak: {stdout}"))?;
    Ok(Some(kib as f64 / 1024.0))
}

fn cargo_check(work: &Path, name: &str, root: &Path) -> Result<Duration> {
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "-p", name])
        .current_dir(work)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status()?;
    let elapsed = started.elapsed();
    if !status.success() {
        return Err(format!("cargo check of the generated crate {name} failed").into());
    }
    Ok(elapsed)
}

/// Warm check, then touch `src/lib.rs` and time the check of the crate alone (best of two).
fn check_time(work: &Path, name: &str, root: &Path) -> Result<Duration> {
    eprintln!("bench-gen: cargo check {name} (warm-up) …");
    cargo_check(work, name, root)?;
    let lib = work.join("crates").join(name).join("src/lib.rs");
    let mut best = Duration::MAX;
    for _ in 0..2 {
        std::fs::File::options()
            .append(true)
            .open(&lib)?
            .set_modified(std::time::SystemTime::now())?;
        best = best.min(cargo_check(work, name, root)?);
    }
    Ok(best)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!("{cores} cores, {cpu}")
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2}")
    } else if ms < 100.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

/// Least-squares slope of ln(y) against ln(x).
pub fn growth_exponent(points: &[(f64, f64)]) -> Option<f64> {
    let pts: Vec<(f64, f64)> = points
        .iter()
        .filter(|(x, y)| *x > 0.0 && *y > 0.0)
        .map(|(x, y)| (x.ln(), y.ln()))
        .collect();
    let n = pts.len() as f64;
    if pts.len() < 2 {
        return None;
    }
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

fn print_report(rows: &[Row]) {
    println!(
        "\nYAML form; times in ms, medians (runs: 9 up to 100 operations, 5 up to 1000, 3 above)"
    );
    println!(
        "| ops | schemas | KiB | load | IR | emit | emit w/o rustfmt | total | total w/o rustfmt | parse floor | total/floor | w/o rustfmt/floor | lines | peak MiB | check s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let floor = r.floor.as_secs_f64();
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {:.1} | {} | {} | {} |",
            r.ops,
            r.schemas,
            r.bytes / 1024,
            ms(r.load),
            ms(r.ir),
            ms(r.emit_fmt),
            ms(r.emit_plain),
            ms(r.total()),
            ms(r.own()),
            ms(r.floor),
            r.total().as_secs_f64() / floor,
            r.own().as_secs_f64() / floor,
            r.lines,
            r.peak_mib
                .map(|m| format!("{m:.0}"))
                .unwrap_or_else(|| "–".into()),
            r.check
                .map(|c| format!("{:.1}", c.as_secs_f64()))
                .unwrap_or_else(|| "–".into()),
        );
    }
    println!("\nJSON form: load vs serde_json alone (ms)");
    println!("| ops | load | serde_json floor | load/floor |");
    println!("|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {:.1} |",
            r.ops,
            ms(r.load_json),
            ms(r.floor_json),
            r.load_json.as_secs_f64() / r.floor_json.as_secs_f64()
        );
    }
    let fit = |f: &dyn Fn(&Row) -> Duration| {
        growth_exponent(
            &rows
                .iter()
                .map(|r| (r.ops as f64, f(r).as_secs_f64()))
                .collect::<Vec<_>>(),
        )
    };
    println!();
    for (what, exponent) in [
        ("total generation time", fit(&|r: &Row| r.total())),
        ("generation without rustfmt", fit(&|r: &Row| r.own())),
        ("load", fit(&|r: &Row| r.load)),
        ("IR", fit(&|r: &Row| r.ir)),
        ("emit", fit(&|r: &Row| r.emit_fmt)),
    ] {
        match exponent {
            Some(e) => println!("growth exponent of {what}: {e:.2} (time ∝ N^{e:.2}; 1 is linear)"),
            None => println!("growth exponent of {what}: needs two sizes or more"),
        }
    }
    let worst = |f: &dyn Fn(&Row) -> Duration| {
        rows.iter()
            .map(|r| f(r).as_secs_f64() / r.floor.as_secs_f64())
            .fold(0.0, f64::max)
    };
    let (with, without) = (worst(&|r| r.total()), worst(&|r| r.own()));
    println!(
        "within {FLOOR_GOAL}× the YAML parse floor: {} with rustfmt (worst {with:.1}×), {} without (worst {without:.1}×)",
        if with <= FLOOR_GOAL { "yes" } else { "no" },
        if without <= FLOOR_GOAL { "yes" } else { "no" },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exponent_of_a_power_law_is_found() {
        let linear: Vec<(f64, f64)> = [10.0, 100.0, 1000.0].map(|n| (n, 3.0 * n)).to_vec();
        assert!((growth_exponent(&linear).unwrap() - 1.0).abs() < 1e-9);
        let square: Vec<(f64, f64)> = [10.0, 100.0].map(|n| (n, n * n)).to_vec();
        assert!((growth_exponent(&square).unwrap() - 2.0).abs() < 1e-9);
        assert_eq!(growth_exponent(&[(10.0, 1.0)]), None);
    }
}
