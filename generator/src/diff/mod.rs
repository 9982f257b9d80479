//! Contract diff: two versions of a contract compared as this generator renders them, each change
//! classified for the wire (an already-deployed client talking to the new server) and for the
//! generated Rust API (code written against the old crate compiling against the new one).
//!
//! The comparison reads the IR, not the YAML: operations are matched by method and path template
//! (`operations.rs`, with parameters and bodies in `requests.rs`), named types by their Rust name
//! (`types.rs`), and where a type is used — request, response, both — decides the wire verdict of
//! its changes (`usage.rs`). `render.rs` spells types as the generated code does; `report.rs`
//! writes the Markdown and JSON reports. The classification is documented in `docs/diff.md`.

use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::ir::Api;
use crate::load::Contract;

mod operations;
mod render;
mod report;
mod requests;
mod types;
mod usage;

/// Whether a change keeps what worked working.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Nothing that worked stops working.
    Compatible,
    /// Something that worked may stop working (a request refused, code that no longer compiles).
    Breaking,
}

impl Impact {
    /// `Breaking` when `breaking` holds.
    pub fn breaking_if(breaking: bool) -> Impact {
        if breaking {
            Impact::Breaking
        } else {
            Impact::Compatible
        }
    }
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Impact::Compatible => "compatible",
            Impact::Breaking => "breaking",
        })
    }
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

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
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
    /// The value before, where one thing was replaced by another (a type, a name, a flag).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The value after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

impl Change {
    /// A change; `breaking` follows from the two verdicts.
    pub(crate) fn new(
        kind: &str,
        location: impl Into<String>,
        wire: Impact,
        rust: Impact,
        message: impl Into<String>,
    ) -> Change {
        Change {
            kind: kind.to_owned(),
            location: location.into(),
            wire,
            rust,
            breaking: wire == Impact::Breaking || rust == Impact::Breaking,
            message: message.into(),
            old: None,
            new: None,
        }
    }

    /// With the value after (something added with a property worth saying).
    pub(crate) fn now(mut self, new: impl Into<String>) -> Change {
        self.new = Some(new.into());
        self
    }

    /// With the values before and after.
    pub(crate) fn values(mut self, old: impl Into<String>, new: impl Into<String>) -> Change {
        self.old = Some(old.into());
        self.new = Some(new.into());
        self
    }
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

    /// Any change breaks a deployed client on the wire.
    pub fn wire_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.wire == Impact::Breaking)
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
        report::markdown(self)
    }

    /// The JSON report (documented in `docs/diff.md`).
    pub fn to_json(&self) -> serde_json::Value {
        report::json(self)
    }
}

/// Compares two IRs.
pub fn diff_apis(old: &Api, new: &Api) -> ContractDiff {
    let side = |a: &Api| Side {
        title: a.title.clone(),
        version: a.version.clone(),
        sha256: a.sha256.clone(),
    };
    let usage = usage::Usage::of(old, new);
    let mut changes = operations::diff(old, new);
    changes.extend(types::diff(old, new, &usage));
    changes.sort_by(|a, b| {
        (&a.location, &a.kind, &a.message).cmp(&(&b.location, &b.kind, &b.message))
    });
    changes.dedup();
    ContractDiff {
        old: side(old),
        new: side(new),
        changes,
    }
}

/// Loads two contracts (file, folder or zip each) and compares them.
pub fn diff_contracts(old: &Path, new: &Path) -> Result<ContractDiff, Diagnostic> {
    let old = Api::from_contract(&Contract::load(old)?)?;
    let new = Api::from_contract(&Contract::load(new)?)?;
    Ok(diff_apis(&old, &new))
}
