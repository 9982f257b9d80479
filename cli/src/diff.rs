//! `bcss diff`: two versions of a contract compared by `bcss_codegen::diff` — every change judged
//! for deployed clients (the wire) and for code using the generated crate (Rust) — printed for a
//! terminal, as a Markdown changelog entry, or as JSON (`docs/diff.md`). Either side may also be a
//! generated crate's folder: it stands for the contract the crate carries.

use std::path::Path;

use bcss_codegen::Contract;
use bcss_codegen::diff::{ContractDiff, diff_apis};
use bcss_codegen::ir::Api;

use crate::args::{DiffArgs, DiffFormat};
use crate::error::CliError;

/// Compares the two contracts; returns the report and the exit status (1 for a breaking change
/// with `--fail-on-breaking`, else 0).
pub fn run(args: &DiffArgs) -> Result<(String, u8), CliError> {
    let old = load(&args.old, "OLD")?;
    let new = load(&args.new, "NEW")?;
    let diff = diff_apis(&old, &new);
    let exit = u8::from(args.fail_on_breaking && diff.breaking());
    Ok((render(&diff, args.format), exit))
}

/// One contract's IR; a contract that cannot be read is an argument error naming the file.
fn load(path: &Path, argument: &'static str) -> Result<Api, CliError> {
    // A generated crate (as published) stands for the contract it carries.
    let carried = bcss_codegen::CrateManifest::read(path).ok();
    let path = carried.as_ref().map_or(path, |m| m.contract.as_path());
    Contract::load(path)
        .and_then(|c| Api::from_contract(&c))
        .map_err(|d| CliError::Argument {
            argument,
            // A diagnostic in a file the root references names that file relative to the root.
            message: if d.file == path.display().to_string() {
                d.to_string()
            } else {
                format!("{}: {d}", path.display())
            },
        })
}

/// The report in `format`.
pub fn render(diff: &ContractDiff, format: DiffFormat) -> String {
    match format {
        DiffFormat::Md => diff.to_markdown(),
        DiffFormat::Json => {
            let mut text = serde_json::to_string_pretty(&diff.to_json()).unwrap_or_default();
            text.push('\n');
            text
        }
        DiffFormat::Text => text(diff),
    }
}

/// A summary line, then two lines per change (breaking ones first).
fn text(diff: &ContractDiff) -> String {
    let (old, new) = (&diff.old, &diff.new);
    let mut out = format!(
        "{} {} -> {} {}: ",
        old.title, old.version, new.title, new.version
    );
    let count = |f: &dyn Fn(&bcss_codegen::diff::Change) -> bool| {
        diff.changes.iter().filter(|c| f(c)).count()
    };
    if diff.changes.is_empty() {
        out.push_str("no API change");
    } else {
        out.push_str(&format!(
            "{} change(s), {} breaking ({} for Rust, {} on the wire)",
            diff.changes.len(),
            count(&|c| c.breaking),
            count(&|c| c.rust == bcss_codegen::diff::Impact::Breaking),
            count(&|c| c.wire == bcss_codegen::diff::Impact::Breaking),
        ));
    }
    out.push_str(&format!(
        "; the generated crate needs a {} release.\n",
        diff.required_bump()
    ));
    for breaking in [true, false] {
        for c in diff.changes.iter().filter(|c| c.breaking == breaking) {
            out.push_str(&format!(
                "\n{:<10}  {}  [{}]\n            {} (wire: {}, Rust: {})\n",
                if c.breaking { "BREAKING" } else { "compatible" },
                c.location,
                c.kind,
                c.message,
                c.wire,
                c.rust
            ));
        }
    }
    out
}
