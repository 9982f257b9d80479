//! The reports: Markdown for a changelog entry or a review, JSON for programs (both documented in
//! `docs/diff.md`). Deterministic: the changes' order, no dates.

use super::{Change, ContractDiff, Impact};

/// `**Breaking**: …` or `No breaking change`, then the breaking and the compatible changes.
pub fn markdown(diff: &ContractDiff) -> String {
    let mut out = String::new();
    let (old, new) = (&diff.old, &diff.new);
    if diff.changes.is_empty() {
        out.push_str("No API change\n");
    } else if diff.breaking() {
        let count = |f: fn(&Change) -> bool| diff.changes.iter().filter(|c| f(c)).count();
        let rust = count(|c| c.rust == Impact::Breaking);
        let wire = count(|c| c.wire == Impact::Breaking);
        out.push_str(&format!(
            "**Breaking**: {rust} {} the Rust API, {wire} {} the wire\n",
            if rust == 1 {
                "change breaks"
            } else {
                "changes break"
            },
            if wire == 1 { "breaks" } else { "break" }
        ));
    } else {
        out.push_str("No breaking change\n");
    }
    out.push_str(&format!(
        "\n{} {} → {} {}: the generated crate needs a {} release.\n",
        old.title,
        old.version,
        new.title,
        new.version,
        diff.required_bump()
    ));
    for (heading, breaking) in [("Breaking changes", true), ("Compatible changes", false)] {
        let items: Vec<&Change> = diff
            .changes
            .iter()
            .filter(|c| c.breaking == breaking)
            .collect();
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {heading}\n\n"));
        for c in items {
            out.push_str(&format!(
                "- `{}`: {} (wire: {}, Rust: {})\n",
                c.location, c.message, c.wire, c.rust
            ));
        }
    }
    out
}

/// The JSON report.
pub fn json(diff: &ContractDiff) -> serde_json::Value {
    serde_json::json!({
        "breaking": diff.breaking(),
        "rust_breaking": diff.rust_breaking(),
        "wire_breaking": diff.wire_breaking(),
        "required_bump": diff.required_bump(),
        "old": diff.old,
        "new": diff.new,
        "changes": diff.changes,
    })
}
