//! What a release of a generated crate carries beside its code: a version from the version
//! policy, its contract unchanged under `contract/` (so the next release can be compared with it),
//! and a `CHANGELOG.md` whose newest entry is the contract diff.

use crate::diff::{Bump, ContractDiff};
use crate::ir::Api;
use crate::version::{CrateVersion, next_version};

/// The release a crate is regenerated after: its version, changelog and the diff of its contract
/// to the new one.
#[derive(Clone, Debug)]
pub struct PreviousRelease {
    /// Its crate version.
    pub version: CrateVersion,
    /// Its `CHANGELOG.md` (empty when it had none).
    pub changelog: String,
    /// From its contract to the new one.
    pub diff: ContractDiff,
    /// It came from the same contract bytes and the same generator version: regenerating it is
    /// the same release, not a new one.
    pub same_input: bool,
}

/// The folder of a generated crate that holds its contract.
pub const CONTRACT_DIR: &str = "contract";

/// The crate version: the contract's own for a first release, else the policy's step from the
/// previous one.
pub fn version(api: &Api, previous: Option<&PreviousRelease>) -> CrateVersion {
    match previous {
        None => CrateVersion::of_contract(&api.version),
        Some(p) if p.same_input => p.version,
        Some(p) => next_version(p.version, &api.version, p.diff.required_bump()),
    }
}

/// The contract's files as the crate carries them, and the crate path of the root file. Names
/// are relative to the root file's folder (a zip's top folder is dropped); files a reference found
/// above that folder (`../x.yaml`) sit one `_/` level up per `..`, so every relative `$ref` still
/// resolves inside `contract/`.
pub fn contract_files(api: &Api) -> (String, Vec<(String, String)>) {
    let root_dir: Vec<&str> = api
        .contract_files
        .first()
        .map(|(n, _)| n.rsplit_once('/').map(|(d, _)| d.split('/').collect()))
        .unwrap_or_default()
        .unwrap_or_default();
    let relative: Vec<(String, &[u8])> = api
        .contract_files
        .iter()
        .map(|(n, bytes)| (relative_to(&root_dir, n), bytes.as_slice()))
        .collect();
    let ups = |name: &str| name.split('/').take_while(|p| *p == "..").count();
    let depth = relative.iter().map(|(n, _)| ups(n)).max().unwrap_or(0);
    let place = |name: &str| {
        let j = ups(name);
        let rest: Vec<&str> = name.split('/').skip(j).collect();
        format!(
            "{CONTRACT_DIR}/{}{}",
            "_/".repeat(depth - j),
            rest.join("/")
        )
    };
    let files = relative
        .iter()
        .map(|(n, bytes)| (place(n), String::from_utf8_lossy(bytes).into_owned()))
        .collect();
    let root = relative
        .first()
        .map(|(n, _)| place(n))
        .unwrap_or_else(|| format!("{CONTRACT_DIR}/openapi.yaml"));
    (root, files)
}

/// `name` (a normalised `/`-separated path, maybe starting with `..`) seen from the folder `dir`.
fn relative_to(dir: &[&str], name: &str) -> String {
    let parts: Vec<&str> = name.split('/').collect();
    let common = dir
        .iter()
        .zip(&parts)
        .take_while(|(a, b)| a == b && **a != "..")
        .count();
    let mut out: Vec<&str> = vec![".."; dir.len() - common];
    out.extend(&parts[common..]);
    out.join("/")
}

/// `CHANGELOG.md`: this release's entry, then the previous release's entries.
pub fn changelog(
    api: &Api,
    crate_name: &str,
    version: CrateVersion,
    previous: Option<&PreviousRelease>,
) -> String {
    if let Some(p) = previous.filter(|p| p.same_input && !p.changelog.is_empty()) {
        return p.changelog.clone();
    }
    let mut s = format!(
        "# Changelog of {crate_name}\n\nOne entry per release, newest first, generated from the contract diff (`bcss diff`): what changed on the wire and in this crate's Rust API.\n\n## {version} (contract {})\n\n",
        api.version
    );
    let contract = format!(
        "contract `{}` {} (SHA-256 `{}`)",
        api.title, api.version, api.sha256
    );
    match previous {
        None => s.push_str(&format!("First release, generated from {contract}.\n")),
        Some(p) => {
            let kind = match p.diff.required_bump() {
                Bump::Major => "a major release: the Rust API breaks",
                Bump::Minor => "a minor release: additions, nothing breaks",
                Bump::Patch => "a patch release: no API change",
            };
            // The diff's own summary lines say what the sentence above says: its sections only.
            let markdown = p.diff.to_markdown();
            let sections = markdown.find("### ").map_or("", |at| &markdown[at..]);
            s.push_str(&format!(
                "Generated from {contract}; compared with {} (contract {}), {kind}.\n\n{sections}",
                p.version, p.diff.old.version,
            ));
            if let Some(at) = p.changelog.find("\n## ") {
                s.push_str(&p.changelog[at..]);
            }
        }
    }
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::relative_to;

    #[test]
    fn contract_file_names_are_taken_relative_to_the_root_files_folder() {
        assert_eq!(relative_to(&[], "belgif/a.yaml"), "belgif/a.yaml");
        assert_eq!(relative_to(&["top"], "top/belgif/a.yaml"), "belgif/a.yaml");
        assert_eq!(relative_to(&["top"], "shared/a.yaml"), "../shared/a.yaml");
        assert_eq!(relative_to(&[], "../shared/a.yaml"), "../shared/a.yaml");
    }
}
