//! Contract diff: two versions of a contract compared as this generator renders them, each change
//! classified for the wire (an already-deployed client talking to the new server) and for the
//! generated Rust API (code written against the old crate compiling against the new one).
//!
//! INTERFACE STUB: the types and signatures are fixed; the comparison is being written.

use std::path::Path;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::ir::Api;
use crate::load::Contract;

/// Whether a change keeps what worked working.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Nothing that worked stops working.
    Compatible,
    /// Something that worked may stop working (a request refused, code that no longer compiles).
    Breaking,
}

/// The semver step a change needs in the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// Same API (documentation, examples): a patch release.
    Patch,
    /// New API, nothing broken: a minor release.
    Minor,
    /// Rust API broken: a major release (`0.x`: the minor number).
    Major,
}

/// One difference between the two contracts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed, as a stable snake_case code (`operation_added`, `enum_value_added`…).
    pub kind: String,
    /// Where: `GET /persons/{ssinRef}` for operation-level changes, then `parameter page`,
    /// `request body`, `response 200`; `type SocialStatus.code` for a type's property.
    pub location: String,
    /// For the wire.
    pub wire: Impact,
    /// For the generated Rust API.
    pub rust: Impact,
    /// `wire` or `rust` is breaking.
    pub breaking: bool,
    /// One sentence: what changed and why it is (not) breaking.
    pub message: String,
}

/// The version and identity of one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// SHA-256 of the root file.
    pub sha256: String,
}

/// Every change from `old` to `new`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContractDiff {
    /// Before.
    pub old: Side,
    /// After.
    pub new: Side,
    /// Changes, in a deterministic order.
    pub changes: Vec<Change>,
}

impl ContractDiff {
    /// Any change breaks the wire or the Rust API.
    pub fn breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    /// Any change breaks the generated Rust API.
    pub fn rust_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.rust == Impact::Breaking)
    }

    /// The smallest semver step of the generated crate that these changes allow.
    pub fn required_bump(&self) -> Bump {
        if self.rust_breaking() {
            Bump::Major
        } else if self.changes.is_empty() {
            Bump::Patch
        } else {
            Bump::Minor
        }
    }

    /// Markdown for a changelog entry or a review (headings: breaking, then compatible).
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        for c in &self.changes {
            out.push_str(&format!("- `{}` {}: {}\n", c.kind, c.location, c.message));
        }
        out
    }

    /// The JSON report (documented in `docs/diff.md`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "breaking": self.breaking(),
            "old": self.old,
            "new": self.new,
            "changes": self.changes,
        })
    }
}

/// Compares two IRs.
pub fn diff_apis(old: &Api, new: &Api) -> ContractDiff {
    let side = |a: &Api| Side {
        title: a.title.clone(),
        version: a.version.clone(),
        sha256: a.sha256.clone(),
    };
    ContractDiff {
        old: side(old),
        new: side(new),
        changes: Vec::new(),
    }
}

/// Loads two contracts (file, folder or zip each) and compares them.
pub fn diff_contracts(old: &Path, new: &Path) -> Result<ContractDiff, Diagnostic> {
    let old = Api::from_contract(&Contract::load(old)?)?;
    let new = Api::from_contract(&Contract::load(new)?)?;
    Ok(diff_apis(&old, &new))
}
