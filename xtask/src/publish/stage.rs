//! A client crate as it is published: a copy whose `bcss-runtime` dependency names the registry.
//! Cargo publishes a path dependency as a crates.io one unless told otherwise, and a crates.io
//! crate of that name is not ours: the staged manifest always says `registry = "NAME"`.

use std::path::{Path, PathBuf};

use bcss_codegen::CrateManifest;

use super::Result;

/// Copies the crate into `into/<name>-<version>` with its runtime dependency taken from
/// `registry`, as a workspace of its own. Returns the copy's folder.
pub fn stage(krate: &CrateManifest, into: &Path, registry: &str) -> Result<PathBuf> {
    let shown = krate.dir.display();
    let requirement = krate
        .runtime
        .clone()
        .ok_or_else(|| format!("{shown}: no versioned `bcss-runtime` dependency"))?;
    let out = into.join(format!("{}-{}", krate.name, krate.version));
    let _ = std::fs::remove_dir_all(&out);
    copy_tree(&krate.dir, &out)?;
    let path = out.join("Cargo.toml");
    let mut manifest: toml::Table = toml::from_str(&std::fs::read_to_string(&path)?)?;
    let deps = manifest
        .get_mut("dependencies")
        .and_then(toml::Value::as_table_mut)
        .ok_or_else(|| format!("{shown}: no [dependencies]"))?;
    let mut runtime = toml::Table::new();
    runtime.insert("version".into(), requirement.into());
    runtime.insert("registry".into(), registry.into());
    deps.insert("bcss-runtime".into(), runtime.into());
    manifest.insert("workspace".into(), toml::Table::new().into());
    std::fs::write(&path, toml::to_string(&manifest)?)?;
    Ok(out)
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == "Cargo.lock" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(&name))?;
        } else {
            std::fs::copy(&path, to.join(&name))?;
        }
    }
    Ok(())
}
