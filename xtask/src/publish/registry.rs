//! What a Cargo registry holds, asked through Cargo itself: a probe crate depends on the crate
//! with a version requirement and `cargo metadata` resolves it. So any registry Cargo can use
//! works (sparse or git index, credentials, `.cargo/config.toml` or `CARGO_REGISTRIES_*`), and
//! the published source comes back as Cargo extracted it.

use std::path::{Path, PathBuf};
use std::process::Command;

use bcss_codegen::version::CrateVersion;

use super::Result;

/// A registry named in Cargo's configuration.
pub struct Registry {
    /// Its name (`[registries.NAME]`, `CARGO_REGISTRIES_NAME_INDEX`).
    pub name: String,
    probe: PathBuf,
}

/// A published version and the folder holding its source.
pub struct Published {
    /// The version.
    pub version: CrateVersion,
    /// Where Cargo extracted the `.crate` (its `Cargo.toml` is the normalised one).
    pub dir: PathBuf,
}

impl Registry {
    /// `work` is a folder of the publish run (inside the workspace, so that its
    /// `.cargo/config.toml` applies to the probe).
    pub fn new(name: &str, work: &Path) -> Registry {
        Registry {
            name: name.to_owned(),
            probe: work.join("probe"),
        }
    }

    /// The environment variable Cargo reads the registry's token from.
    pub fn token_variable(&self) -> String {
        format!(
            "CARGO_REGISTRIES_{}_TOKEN",
            self.name.to_uppercase().replace('-', "_")
        )
    }

    /// The newest version of `krate` matching `requirement` (`=1.2.0`, `<1.3.0`), if any.
    pub fn newest(&self, krate: &str, requirement: &str) -> Result<Option<Published>> {
        std::fs::create_dir_all(self.probe.join("src"))?;
        std::fs::write(self.probe.join("src/lib.rs"), "")?;
        // No lock file: every question is resolved afresh against the index.
        let _ = std::fs::remove_file(self.probe.join("Cargo.lock"));
        std::fs::write(
            self.probe.join("Cargo.toml"),
            format!(
                "[package]\nname = \"bcss-publish-probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{krate} = {{ version = \"{requirement}\", registry = \"{}\" }}\n\n[workspace]\n",
                self.name
            ),
        )?;
        let output = Command::new(super::cargo())
            .args(["metadata", "--format-version", "1", "--manifest-path"])
            .arg(self.probe.join("Cargo.toml"))
            .output()?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            // Cargo's words for "nothing published matches", as opposed to a registry it cannot reach.
            let absent = [
                "failed to select a version",
                "no matching package named",
                "candidate versions found which didn't match",
            ];
            if absent.iter().any(|a| stderr.contains(a)) {
                return Ok(None);
            }
            return Err(format!(
                "cannot read registry `{}` through Cargo (is it configured, as [registries.{}] in .cargo/config.toml or CARGO_REGISTRIES_{}_INDEX, and running?):\n{}",
                self.name,
                self.name,
                self.name.to_uppercase().replace('-', "_"),
                super::tail(&stderr, 12)
            )
            .into());
        }
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
        let found = metadata["packages"].as_array().and_then(|packages| {
            packages.iter().find(|p| {
                p["name"] == krate
                    && p["source"]
                        .as_str()
                        .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"))
            })
        });
        let Some(package) = found else {
            return Ok(None);
        };
        let version = package["version"]
            .as_str()
            .and_then(CrateVersion::parse)
            .ok_or_else(|| format!("{krate}: the registry serves a version that is not x.y.z"))?;
        let dir = package["manifest_path"]
            .as_str()
            .and_then(|m| Path::new(m).parent())
            .ok_or("cargo metadata gave no manifest path")?
            .to_owned();
        Ok(Some(Published { version, dir }))
    }
}
