//! `cargo xtask corpus [DIR]`: generate a client for every contract of DIR (default
//! `../shared/corpus`; see `entries` for which files are contracts), run
//! `cargo clippy -- -D warnings` over all the generated crates at once, and compare each
//! contract's outcome with the reviewed file `xtask/corpus/expected-NAME.tsv`: any difference,
//! worse or better, fails the run until the file is updated (`--bless`) in the same commit.

mod clippy;
mod entries;
mod expected;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bcss_codegen::{Diagnostic, Generator};

pub use entries::collect;
use expected::{Clippy, Generation, Outcome, Outcomes};

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

/// One contract's run.
struct Row {
    contract: String,
    generated: Option<Generated>,
    generation: Generation,
    /// The refusal or the panic, as shown.
    said: String,
}

struct Generated {
    crate_name: String,
    summary: String,
    warnings: usize,
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
    let shown_dir = shown_path(&dir, &root);
    let (expected_file, must_exist) = match &args.expected {
        Some(f) => (lexical(&std::path::absolute(f)?), true),
        None => (default_expected(&root, &dir), false),
    };
    let contracts = entries::entries(&dir)?;
    if contracts.is_empty() {
        return Err(format!("no contract found under {}", dir.display()).into());
    }
    let work = tempfile::tempdir()?;
    let runtime = std::path::absolute(root.join("runtime"))?;
    let mut rows = Vec::new();
    for (i, contract) in contracts.iter().enumerate() {
        let crate_name = format!("corpus-{i:02}");
        let out = work.path().join("crates").join(&crate_name);
        let result = std::panic::catch_unwind(|| {
            generate(contract, &dir, &crate_name, &runtime, &out, work.path())
        });
        let mut row = Row {
            contract: relative(contract, &dir),
            generated: None,
            generation: Generation::Clean,
            said: String::new(),
        };
        match result {
            Ok(Ok(g)) => {
                let codes = g.warnings.iter().map(|w| code_of(w).to_string());
                let codes: std::collections::BTreeSet<String> = codes.collect();
                if !codes.is_empty() {
                    row.generation = Generation::Warnings(codes);
                }
                row.generated = Some(Generated {
                    crate_name,
                    summary: g.summary(),
                    warnings: g.warnings.len(),
                });
            }
            // A diagnostic (file, pointer, what, hint) is an answer; the expected file says
            // whether it is the expected one.
            Err(_) => {
                row.generation = Generation::Failed("panic".into());
                row.said = "the generator panicked".into();
            }
            Ok(Err(d)) => {
                row.said = d.to_string();
                let reason = if d.code.is_empty() {
                    first_line(&d.message)
                } else {
                    d.code.to_string()
                };
                // Keep machine-specific paths out of the reviewed file.
                let stage = work.path().join(format!("stage-{crate_name}"));
                let reason = reason
                    .replace(&stage.display().to_string(), "<stage>")
                    .replace(&dir.display().to_string(), "<corpus>")
                    .replace(&work.path().display().to_string(), "<work>");
                row.generation = Generation::Refused(reason);
            }
        }
        rows.push(row);
    }

    let mut lints = BTreeMap::new();
    if rows.iter().any(|r| r.generated.is_some()) {
        std::fs::write(
            work.path().join("Cargo.toml"),
            "[workspace]\nresolver = \"3\"\nmembers = [\"crates/*\"]\n",
        )?;
        std::fs::copy(root.join("Cargo.lock"), work.path().join("Cargo.lock"))?;
        lints = clippy::run(work.path(), &target_dir(&root)?)?;
    }

    let mut outcomes = Outcomes::new();
    let mut lint_failures = Vec::new();
    println!("\n{:<70} outcome", "contract");
    for row in &rows {
        let clippy = match &row.generated {
            None => Clippy::NotRun,
            Some(g) => {
                let manifest = work
                    .path()
                    .join("crates")
                    .join(&g.crate_name)
                    .join("Cargo.toml");
                let report = lints
                    .remove(&manifest.display().to_string())
                    .unwrap_or_default();
                if !report.checked && report.lints.is_empty() {
                    return Err(format!(
                        "cargo clippy did not check the crate of {} ({}): see its output above",
                        row.contract, g.crate_name
                    )
                    .into());
                }
                if let Some(first) = report.first {
                    lint_failures.push((row.contract.clone(), first));
                }
                if report.lints.is_empty() {
                    Clippy::Pass
                } else {
                    Clippy::Fail(report.lints)
                }
            }
        };
        println!(
            "{:<70} {}",
            row.contract,
            describe(row, &clippy, &lint_failures)
        );
        outcomes.insert(
            row.contract.clone(),
            Outcome {
                generation: row.generation.clone(),
                clippy,
            },
        );
    }
    for (contract, first) in &lint_failures {
        println!(
            "\n== clippy on the client of {contract}:\n{}",
            first.rendered
        );
    }

    let failed = rows
        .iter()
        .filter(|r| matches!(r.generation, Generation::Failed(_)))
        .count();
    let summary = summary(&rows, &outcomes);
    let update = format!(
        "cargo xtask corpus {shown_dir} --bless{}",
        match &args.expected {
            Some(f) => format!(" --expected {}", f.display()),
            None => String::new(),
        }
    );
    let expected_shown = shown_path(&expected_file, &root);
    if args.bless {
        if let Some(parent) = expected_file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(
            &expected_file,
            expected::render(&header(&shown_dir), &outcomes),
        )?;
        println!("\n{summary}; expected outcomes: written to {expected_shown}");
    } else if expected_file.is_file() || must_exist {
        let text = std::fs::read_to_string(&expected_file).map_err(|e| {
            format!("expected outcomes {expected_shown}: {e} (create it with `{update}`)")
        })?;
        let expected = expected::parse(&text).map_err(|e| format!("{expected_shown}: {e}"))?;
        let differences = expected::compare(&expected, &outcomes);
        if differences.is_empty() {
            println!("\n{summary}; expected outcomes: matched");
        } else {
            println!("\noutcomes that differ from {expected_shown}:");
            for d in &differences {
                println!("{d}");
            }
            println!(
                "\n{summary}; expected outcomes: {} differences",
                differences.len()
            );
            return Err(format!(
                "{} contracts do not have the outcome {expected_shown} expects: if the change is \
                 intended, run `{update}`, review the diff and commit it with the change",
                differences.len()
            )
            .into());
        }
    } else {
        println!(
            "\n{summary}; expected outcomes: not compared (no {expected_shown}; `{update}` writes it)"
        );
        if !lint_failures.is_empty() {
            return Err(format!("{} generated crates fail clippy", lint_failures.len()).into());
        }
    }
    if failed > 0 {
        return Err(format!("the generator panicked on {failed} contracts").into());
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

fn describe(row: &Row, clippy: &Clippy, lint_failures: &[(String, clippy::FirstError)]) -> String {
    let Some(g) = &row.generated else {
        return match row.generation {
            Generation::Failed(_) => format!("FAILED: {}", row.said),
            _ => format!("refused: {}", first_line(&row.said)),
        };
    };
    let mut text = format!("generated {} ({})", g.crate_name, g.summary);
    if let Generation::Warnings(codes) = &row.generation {
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        text += &format!(", {} warnings [{}]", g.warnings, codes.join(", "));
    }
    match clippy {
        Clippy::Fail(_) => {
            let first = lint_failures
                .iter()
                .rfind(|(c, _)| *c == row.contract)
                .map(|(_, f)| {
                    let prefix = format!("crates/{}/", g.crate_name);
                    let at = f.at.strip_prefix(&prefix).unwrap_or(&f.at);
                    format!("{} at {at}", f.lint)
                })
                .unwrap_or_default();
            text += &format!(", CLIPPY FAILS: {first}");
        }
        _ => text += ", clippy clean",
    }
    text
}

fn summary(rows: &[Row], outcomes: &Outcomes) -> String {
    let generated = rows.iter().filter(|r| r.generated.is_some()).count();
    let pass = outcomes
        .values()
        .filter(|o| o.clippy == Clippy::Pass)
        .count();
    let warned = rows
        .iter()
        .filter(|r| matches!(r.generation, Generation::Warnings(_)))
        .count();
    let mut reasons = BTreeMap::new();
    for row in rows {
        if let Generation::Refused(reason) = &row.generation {
            *reasons.entry(short(reason)).or_insert(0) += 1;
        }
    }
    let refused: usize = reasons.values().sum();
    let mut reasons: Vec<(String, usize)> = reasons.into_iter().collect();
    // Most frequent first; the table above has each contract's full reason.
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let by_reason = if reasons.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = reasons.iter().map(|(r, n)| format!("{r}: {n}")).collect();
        format!(" (by reason: {})", list.join(", "))
    };
    let failed = rows.len() - generated - refused;
    format!(
        "{} contracts: {generated} generated ({pass} pass clippy -D warnings), {warned} with \
         warnings, {refused} refused{by_reason}, {failed} failed",
        rows.len()
    )
}

/// A reason cut to fit the summary line (diagnostics without a code are whole messages).
fn short(reason: &str) -> String {
    const MAX: usize = 48;
    match reason.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &reason[..end]),
        None => reason.to_string(),
    }
}

fn header(shown_dir: &str) -> String {
    format!(
        "Expected outcomes of `cargo xtask corpus {shown_dir}`, one row per contract (its path in \
         that folder).\n\
         outcome: clean | warnings (detail: the warnings' kinds, Diagnostic::code) | refused \
         (detail: the error's code, or its message's first line) | failed (the generator panicked).\n\
         clippy: `cargo clippy -- -D warnings` on the generated crate: pass | fail:LINTS | - (nothing generated).\n\
         The run fails on any difference, better or worse. To update: \
         `cargo xtask corpus {shown_dir} --bless`,\n\
         review the diff, and commit it with the change that caused it."
    )
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
}
