//! The front door: [`Generator`] runs load → IR → check → emit for one contract.

use std::path::{Path, PathBuf};

use crate::annex::Annex;
use crate::check::{self, UnauthorisedOperations};
use crate::diag::Diagnostic;
use crate::emit::{self, EmitOptions, GeneratedCrate, PreviousRelease, RuntimeDependency};
use crate::ir::Api;
use crate::load::Contract;

/// One generation: a contract, optionally its annex, and where the result goes.
#[derive(Clone, Debug)]
pub struct Generator {
    spec: PathBuf,
    annex: Option<PathBuf>,
    crate_name: Option<String>,
    runtime: RuntimeDependency,
    standalone: bool,
    unauthorised: UnauthorisedOperations,
    rustfmt: bool,
    previous: Option<PathBuf>,
}

/// A generated crate and the warnings met on the way.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The files.
    pub krate: GeneratedCrate,
    /// Warnings (left-out cookie parameters, skipped operations…).
    pub warnings: Vec<Diagnostic>,
    /// Number of operations and types, for reports.
    pub counts: (usize, usize),
}

impl Generated {
    /// Lines of generated text, all files together (the copied contract aside).
    pub fn line_count(&self) -> usize {
        self.krate
            .files
            .iter()
            .filter(|(name, _)| {
                !name
                    .strip_prefix(crate::emit::CONTRACT_DIR)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(|(_, f)| f.lines().count())
            .sum()
    }

    /// `7 operations, 36 types, 1446 lines`, for reports.
    pub fn summary(&self) -> String {
        format!(
            "{} operations, {} types, {} lines",
            self.counts.0,
            self.counts.1,
            self.line_count()
        )
    }
}

impl Generator {
    /// For the contract at `spec` (file, folder or zip).
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Self {
            spec: spec.into(),
            annex: None,
            crate_name: None,
            runtime: RuntimeDependency::Version(env!("CARGO_PKG_VERSION").into()),
            standalone: true,
            unauthorised: UnauthorisedOperations::Fail,
            rustfmt: true,
            previous: None,
        }
    }

    /// The partner annex (YAML).
    pub fn annex(mut self, path: impl Into<PathBuf>) -> Self {
        self.annex = Some(path.into());
        self
    }

    /// The crate name (default: `bcss-` + the API title in kebab case).
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = Some(name.into());
        self
    }

    /// Depend on the runtime by path instead of by version.
    pub fn runtime_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.runtime = RuntimeDependency::Path(path.into());
        self
    }

    /// Whether the crate gets its own `[workspace]` (default true; false for workspace members).
    pub fn standalone(mut self, standalone: bool) -> Self {
        self.standalone = standalone;
        self
    }

    /// Leave out operations the annex does not authorise (with a warning) instead of failing.
    pub fn skip_unauthorised(mut self) -> Self {
        self.unauthorised = UnauthorisedOperations::Skip;
        self
    }

    /// Whether to pass the Rust files through rustfmt when the toolchain has it (default true,
    /// so the crate is `cargo fmt`-clean). `false` keeps prettyplease's output, which is just as
    /// deterministic; `cargo xtask bench-gen` uses it to time the generator without rustfmt.
    pub fn rustfmt(mut self, rustfmt: bool) -> Self {
        self.rustfmt = rustfmt;
        self
    }

    /// The crate's previous release (a folder: the crate as generated or as published, with its
    /// `Cargo.toml`, `contract/` and `CHANGELOG.md`): the new version follows the version policy
    /// from it, and the changelog gets an entry from the contract diff.
    pub fn previous(mut self, crate_dir: impl Into<PathBuf>) -> Self {
        self.previous = Some(crate_dir.into());
        self
    }

    /// Runs every stage and returns the files.
    pub fn generate(&self) -> Result<Generated, Diagnostic> {
        let contract = Contract::load(&self.spec)?;
        let annex = self.annex.as_deref().map(Annex::load).transpose()?;
        let mut api = Api::from_contract(&contract)?;
        let previous = self
            .previous
            .as_deref()
            .map(|dir| previous_release(dir, &api))
            .transpose()?;
        let warnings = check::apply(&contract, &mut api, annex.as_ref(), self.unauthorised)?;
        let crate_name = match &self.crate_name {
            Some(n) => n.clone(),
            None => format!(
                "bcss-{}",
                heck::ToKebabCase::to_kebab_case(api.title.as_str())
            ),
        };
        valid_crate_name(&crate_name)?;
        let options = EmitOptions {
            crate_name,
            runtime: self.runtime.clone(),
            standalone: self.standalone,
            rustfmt: self.rustfmt,
            previous,
        };
        let krate = emit::emit_with_warnings(&api, annex.as_ref(), &options, &warnings)?;
        Ok(Generated {
            krate,
            warnings,
            counts: (api.operations.len(), api.types.defs.len()),
        })
    }

    /// For `build.rs`: writes the client as one Rust file (to `include!` at a crate root) and
    /// tells Cargo to rerun when the contract or the annex changes.
    pub fn write_module(&self, file: &Path) -> Result<Vec<Diagnostic>, Diagnostic> {
        println!("cargo:rerun-if-changed={}", self.spec.display());
        if let Some(a) = &self.annex {
            println!("cargo:rerun-if-changed={}", a.display());
        }
        let contract = Contract::load(&self.spec)?;
        let annex = self.annex.as_deref().map(Annex::load).transpose()?;
        let mut api = Api::from_contract(&contract)?;
        let warnings = check::apply(&contract, &mut api, annex.as_ref(), self.unauthorised)?;
        let text = emit::module(&api, annex.as_ref(), self.rustfmt)?;
        std::fs::write(file, text).map_err(|e| {
            Diagnostic::error(file.display().to_string(), "", format!("cannot write: {e}"))
        })?;
        Ok(warnings)
    }

    /// Generates and writes the crate into `out` (atomically: a failure leaves `out` as it was).
    pub fn write_to(&self, out: &Path) -> Result<Generated, Diagnostic> {
        let generated = self.generate()?;
        generated.krate.write(out)?;
        Ok(generated)
    }
}

/// Reads a previously generated crate and compares its contract with the new one.
fn previous_release(dir: &Path, new: &Api) -> Result<PreviousRelease, Diagnostic> {
    let manifest = crate::manifest::CrateManifest::read(dir).map_err(|d| {
        d.hint("--previous takes the folder of the crate's previous release, as generated or as a registry serves it; a crate generated before crates carried their contract: regenerate it from its contract once, or publish a first release without --previous")
    })?;
    let old = Api::from_contract(&Contract::load(&manifest.contract)?)?;
    let diff = crate::diff::diff_apis(&old, new);
    Ok(PreviousRelease {
        version: manifest.version,
        changelog: std::fs::read_to_string(dir.join("CHANGELOG.md")).unwrap_or_default(),
        same_input: old.sha256 == new.sha256
            && diff.changes.is_empty()
            && manifest.generator.as_deref()
                == Some(concat!("bcss-codegen ", env!("CARGO_PKG_VERSION"))),
        diff,
    })
}

fn valid_crate_name(name: &str) -> Result<(), Diagnostic> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::error(
            "--crate-name",
            "",
            format!("`{name}` is not a valid crate name"),
        )
        .hint("letters, digits, `-` and `_`, starting with a letter, at most 64 characters"))
    }
}
