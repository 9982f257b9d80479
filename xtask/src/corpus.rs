//! `cargo xtask corpus [DIR]`: generate a client for every contract of DIR (default
//! `../shared/corpus`; see `entries` for which files are contracts), run
//! `cargo clippy --features testing -- -D warnings` over all the generated crates at once (their
//! fakes included), and compare each contract's outcome with the reviewed file
//! `xtask/corpus/expected-NAME.tsv`: any difference, worse or better, fails the run until the
//! file is updated (`--bless`) in the same commit.

mod clippy;
mod entries;
mod expected;
mod report;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bcss_codegen::{Diagnostic, Generator};

pub use entries::collect;
use expected::{Clippy, Generation, Outcomes};
use report::Row;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[derive(clap::Args)]
pub struct Args {
    /// The corpus folder (default: ../shared/corpus).
    dir: Option<PathBuf>,
    /// The expected-outcomes file (default: xtask/corpus/expected-NAME.tsv, NAME being the
    /// folder's name, or its parent's for a folder called `corpus`: ../shared/corpus → shared).
    /// When given, it must exist (unless --bless).
    #[arg(long)]
    expected: Option<PathBuf>,
    /// Write this run's outcomes to the expected-outcomes file instead of comparing.
    #[arg(long)]
    bless: bool,
}

pub fn run(args: Args) -> Result<()> {
    let root = lexical(&std::path::absolute(crate::generate::workspace_root())?);
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| root.join("../shared/corpus"));
    // Lexically, not canonically: `../shared` may be a symbolic link, and the folder is shown
    // (in the expected file's header) as the user reaches it.
    let dir = lexical(&std::path::absolute(&dir)?);
    if !dir.is_dir() {
        return Err(format!("no corpus folder {}", dir.display()).into());
    }
    let contracts = entries::entries(&dir)?;
    if contracts.is_empty() {
        return Err(format!("no contract found under {}", dir.display()).into());
    }
    let work = tempfile::tempdir()?;
    let runtime = std::path::absolute(root.join("runtime"))?;
    let started = std::time::Instant::now();
    let mut rows: Vec<Row> = contracts
        .iter()
        .enumerate()
        .map(|(i, contract)| generate_one(contract, i, &dir, &runtime, work.path()))
        .collect();
    let generated = started.elapsed();
    lint(&mut rows, &root, work.path())?;
    let linted = started.elapsed() - generated;

    println!("\n{:<70} outcome", "contract");
    for row in &rows {
        println!("{:<70} {}", row.contract, report::describe(row));
    }
    for row in &rows {
        if let Some(first) = &row.first_error {
            let contract = &row.contract;
            println!(
                "\n== clippy on the client of {contract}:\n{}",
                first.rendered.trim_end()
            );
        }
    }
    let outcomes: Outcomes = rows
        .iter()
        .map(|r| (r.contract.clone(), r.outcome()))
        .collect();
    println!(
        "\n(generation {:.1} s, cargo clippy {:.1} s)",
        generated.as_secs_f64(),
        linted.as_secs_f64()
    );
    let summary = report::summary(&rows);
    let gated = gate(&args, &root, &dir, &outcomes, &summary);
    let panicked = rows
        .iter()
        .filter(|r| matches!(r.generation, Generation::Failed(_)))
        .count();
    gated?;
    if panicked > 0 {
        return Err(format!("the generator panicked on {panicked} contracts").into());
    }
    Ok(())
}

/// Generates the client of one contract into `work/crates/corpus-NN`.
fn generate_one(contract: &Path, index: usize, dir: &Path, runtime: &Path, work: &Path) -> Row {
    let crate_name = format!("corpus-{index:02}");
    let out = work.join("crates").join(&crate_name);
    let result =
        std::panic::catch_unwind(|| generate(contract, dir, &crate_name, runtime, &out, work));
    let mut row = Row::new(relative(contract, dir));
    match result {
        Ok(Ok(g)) => {
            let codes: BTreeSet<String> = g.warnings.iter().map(|w| code_of(w).into()).collect();
            if !codes.is_empty() {
                row.generation = Generation::Warnings(codes);
            }
            row.generated = Some(report::Generated {
                crate_name,
                summary: g.summary(),
                warnings: g.warnings.len(),
            });
        }
        Err(_) => {
            row.generation = Generation::Failed("panic".into());
            row.said = "the generator panicked".into();
        }
        // A diagnostic (file, pointer, what, hint) is an answer; the expected file says whether
        // it is the expected one.
        Ok(Err(d)) => {
            row.said = d.to_string();
            let reason = if d.code.is_empty() {
                first_line(&d.message)
            } else {
                d.code.to_string()
            };
            // Keep machine-specific paths out of the reviewed file.
            let stage = work.join(format!("stage-{crate_name}"));
            let reason = reason
                .replace(&stage.display().to_string(), "<stage>")
                .replace(&dir.display().to_string(), "<corpus>")
                .replace(&work.display().to_string(), "<work>");
            row.generation = Generation::Refused(reason);
        }
    }
    row
}

/// Runs clippy once over every generated crate and records each crate's result in its row.
fn lint(rows: &mut [Row], root: &Path, work: &Path) -> Result<()> {
    if rows.iter().all(|r| r.generated.is_none()) {
        return Ok(());
    }
    std::fs::write(
        work.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"crates/*\"]\n",
    )?;
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock"))?;
    let mut reports = clippy::run(work, &target_dir(root)?)?;
    for row in rows {
        let Some(g) = &row.generated else { continue };
        let manifest = work.join("crates").join(&g.crate_name).join("Cargo.toml");
        let report = reports
            .remove(&manifest.display().to_string())
            .unwrap_or_default();
        if !report.checked && report.lints.is_empty() {
            return Err(format!(
                "cargo clippy did not check the client of {} ({}): see its output above",
                row.contract, g.crate_name
            )
            .into());
        }
        row.clippy = if report.lints.is_empty() {
            Clippy::Pass
        } else {
            Clippy::Fail(report.lints)
        };
        row.first_error = report.first;
    }
    Ok(())
}

/// Compares with (or, with `--bless`, writes) the expected-outcomes file and prints the summary.
fn gate(args: &Args, root: &Path, dir: &Path, outcomes: &Outcomes, summary: &str) -> Result<()> {
    let shown_dir = shown_path(dir, root);
    let (file, must_exist) = match &args.expected {
        Some(f) => (lexical(&std::path::absolute(f)?), true),
        None => (default_expected(root, dir), false),
    };
    let shown = shown_path(&file, root);
    let update = match &args.expected {
        Some(f) => format!(
            "cargo xtask corpus {shown_dir} --bless --expected {}",
            f.display()
        ),
        None => format!("cargo xtask corpus {shown_dir} --bless"),
    };
    if args.bless {
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let text = expected::render(&report::header(&shown_dir), outcomes);
        std::fs::write(&file, text)?;
        println!("\n{summary}; expected outcomes: written to {shown}");
        return Ok(());
    }
    if !file.is_file() && !must_exist {
        println!("\n{summary}; expected outcomes: not compared (no {shown}; `{update}` writes it)");
        let failing = outcomes
            .values()
            .filter(|o| matches!(o.clippy, Clippy::Fail(_)))
            .count();
        if failing > 0 {
            return Err(format!("{failing} generated clients fail clippy").into());
        }
        return Ok(());
    }
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("expected outcomes {shown}: {e} (create it with `{update}`)"))?;
    let expected = expected::parse(&text).map_err(|e| format!("{shown}: {e}"))?;
    let differences = expected::compare(&expected, outcomes);
    if differences.is_empty() {
        println!("\n{summary}; expected outcomes: matched");
        return Ok(());
    }
    println!("\noutcomes that differ from {shown}:");
    for d in &differences {
        println!("{d}");
    }
    let n = differences.len();
    println!("\n{summary}; expected outcomes: {n} differences");
    Err(format!(
        "{n} contracts do not have the outcome {shown} expects: if the change is intended, run \
         `{update}`, review the diff and commit it with the change"
    )
    .into())
}

fn generate(
    contract: &Path,
    corpus: &Path,
    crate_name: &str,
    runtime: &Path,
    out: &Path,
    work: &Path,
) -> std::result::Result<bcss_codegen::Generated, Diagnostic> {
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
    let belgif = corpus.join("belgif");
    if belgif.is_dir()
        && result
            .as_ref()
            .is_err_and(|d| d.file.starts_with("belgif/"))
    {
        let stage = work.join(format!("stage-{crate_name}"));
        let staged = stage.join(contract.file_name().unwrap_or_default());
        let linked = std::fs::create_dir_all(&stage)
            .and_then(|_| std::fs::copy(contract, &staged))
            .and_then(|_| symlink_dir(&belgif, &stage.join("belgif")));
        if linked.is_ok() {
            result = build(&staged);
        }
    }
    result
}

/// `xtask/corpus/expected-NAME.tsv` (see `Args::expected`).
fn default_expected(root: &Path, dir: &Path) -> PathBuf {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut stem = name(dir);
    if stem == "corpus" {
        stem = dir.parent().map(name).unwrap_or(stem);
    }
    root.join("xtask/corpus")
        .join(format!("expected-{stem}.tsv"))
}

/// `path` as a user would type it from the workspace root (`specs`, `../shared/corpus`); both
/// absolute and lexically normal.
fn shown_path(path: &Path, root: &Path) -> String {
    if let Ok(inside) = path.strip_prefix(root) {
        return slashed(inside);
    }
    match root.parent().and_then(|p| path.strip_prefix(p).ok()) {
        Some(beside) => format!("../{}", slashed(beside)),
        None => path.display().to_string(),
    }
}

/// `path` without `.` and `..` components (an absolute path, without resolving links).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn relative(path: &Path, dir: &Path) -> String {
    slashed(path.strip_prefix(dir).unwrap_or(path))
}

fn slashed(path: &Path) -> String {
    let parts: Vec<_> = path.iter().map(|c| c.to_string_lossy()).collect();
    parts.join("/")
}

fn code_of(d: &Diagnostic) -> &str {
    if d.code.is_empty() { "uncoded" } else { d.code }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

/// `CARGO_TARGET_DIR` when set (CI and helpers share one), else the workspace's `target/`, so the
/// dependencies of the generated crates are built once.
fn target_dir(root: &Path) -> Result<PathBuf> {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => Ok(std::path::absolute(PathBuf::from(dir))?),
        None => Ok(root.join("target")),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expected_file_is_named_after_the_corpus_folder() {
        let root = Path::new("/repo");
        assert_eq!(
            default_expected(root, Path::new("/shared/corpus")),
            Path::new("/repo/xtask/corpus/expected-shared.tsv")
        );
        assert_eq!(
            default_expected(root, Path::new("/repo/specs")),
            Path::new("/repo/xtask/corpus/expected-specs.tsv")
        );
    }

    #[test]
    fn the_gate_fails_on_a_difference_with_the_update_command_and_passes_once_blessed() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("expected-x.tsv");
        let args = |bless| Args {
            dir: None,
            expected: Some(file.clone()),
            bless,
        };
        let root = Path::new("/repo");
        let dir = Path::new("/shared/corpus");
        let outcome = |clippy| expected::Outcome {
            generation: Generation::Clean,
            clippy,
        };
        let passing: Outcomes = [("be/a.yaml".to_string(), outcome(Clippy::Pass))].into();
        let failing: Outcomes = [(
            "be/a.yaml".to_string(),
            outcome(Clippy::Fail(
                ["clippy::large_enum_variant".to_string()].into(),
            )),
        )]
        .into();

        // An explicit expected file must exist.
        assert!(gate(&args(false), root, dir, &passing, "").is_err());
        gate(&args(true), root, dir, &passing, "").unwrap();
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.contains("`cargo xtask corpus ../shared/corpus --bless`"));
        gate(&args(false), root, dir, &passing, "").unwrap();

        let err = gate(&args(false), root, dir, &failing, "")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("1 contracts do not have the outcome"),
            "{err}"
        );
        assert!(
            err.contains("cargo xtask corpus ../shared/corpus --bless --expected"),
            "{err}"
        );
        // The file is left as it was: only --bless writes it.
        assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    }

    #[test]
    fn folders_are_shown_as_typed_from_the_workspace_root() {
        let root = Path::new("/work/repo");
        let shown = |p: &str| shown_path(&lexical(Path::new(p)), root);
        assert_eq!(shown("/work/repo/./specs"), "specs");
        assert_eq!(
            shown("/work/repo/xtask/../../shared/corpus"),
            "../shared/corpus"
        );
        assert_eq!(shown("/elsewhere/contracts"), "/elsewhere/contracts");
    }

    /// The README states the corpus outcome; it must say what the reviewed file records, so the
    /// figure goes stale in a test rather than silently.
    #[test]
    fn the_readme_states_the_recorded_corpus_outcome() {
        let root = crate::generate::workspace_root();
        let recorded =
            std::fs::read_to_string(root.join("xtask/corpus/expected-shared.tsv")).unwrap();
        let outcomes = expected::parse(&recorded).unwrap();
        let count =
            |f: &dyn Fn(&expected::Outcome) -> bool| outcomes.values().filter(|o| f(o)).count();
        let generated =
            count(&|o| matches!(o.generation, Generation::Clean | Generation::Warnings(_)));
        let clippy = count(&|o| o.clippy == Clippy::Pass);
        let warnings = count(&|o| matches!(o.generation, Generation::Warnings(_)));
        let refused = count(&|o| matches!(o.generation, Generation::Refused(_)));
        let sentence = format!(
            "**{} contracts: {generated} generated, {clippy} pass clippy -D warnings, {warnings} with warnings, {refused} refused**",
            outcomes.len()
        );
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            readme.contains(&sentence),
            "README.md must state {sentence} (from xtask/corpus/expected-shared.tsv)"
        );
    }
}
