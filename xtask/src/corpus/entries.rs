//! Which files of a corpus are contracts. A folder with a `MANIFEST.tsv` lists its entry files
//! (the Belgif building blocks copied beside a Belgian contract are not contracts of their own);
//! any other folder contributes every YAML or JSON file under it.

use std::path::{Path, PathBuf};

use super::Result;

/// The manifest a folder may hold: tab-separated, a header line naming the columns, one contract a
/// line; only the `entry_file` column (a path relative to the folder) matters here.
pub const MANIFEST: &str = "MANIFEST.tsv";

/// The contracts under `dir`, sorted.
pub fn entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    walk(dir, true, &mut out)?;
    out.sort();
    Ok(out)
}

/// Every YAML or JSON file under `dir`, recursively, manifests or not (the fuzz seeds want them
/// all).
pub fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    walk(dir, false, out)
}

/// The YAML/JSON files under `dir`; with `manifests`, a folder holding a `MANIFEST.tsv`
/// contributes its entry files instead.
fn walk(dir: &Path, manifests: bool, out: &mut Vec<PathBuf>) -> Result<()> {
    let manifest = dir.join(MANIFEST);
    if manifests && manifest.is_file() {
        let text = std::fs::read_to_string(&manifest)
            .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
        for entry in manifest_entries(&text).map_err(|e| format!("{}: {e}", manifest.display()))? {
            let path = dir.join(&entry);
            if !path.is_file() {
                return Err(format!(
                    "{}: entry file `{entry}` does not exist",
                    manifest.display()
                )
                .into());
            }
            out.push(path);
        }
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, manifests, out)?;
        } else if is_contract_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_contract_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
}

/// The `entry_file` column of a manifest, in file order. Blank lines and `#` comments are skipped.
pub fn manifest_entries(text: &str) -> std::result::Result<Vec<String>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let (_, header) = lines.next().ok_or("empty manifest: no header line")?;
    let column = header
        .split('\t')
        .position(|c| c.trim() == "entry_file")
        .ok_or("no `entry_file` column in the header line")?;
    let mut entries = Vec::new();
    for (i, line) in lines {
        match line.split('\t').nth(column).map(str::trim) {
            Some(entry) if !entry.is_empty() => entries.push(entry.to_string()),
            _ => return Err(format!("line {}: no entry_file", i + 1)),
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_file_column_is_found_by_its_header_name() {
        let text = "# Belgian contracts\nname\tentry_file\tsource\n\
                    a\ta/openapi.yaml\tgithub:x\n\nb\tb/sub/api.yml\tgithub:y\n";
        assert_eq!(
            manifest_entries(text).unwrap(),
            ["a/openapi.yaml", "b/sub/api.yml"]
        );
    }

    #[test]
    fn a_manifest_without_entry_file_column_or_with_an_empty_cell_is_an_error() {
        assert!(
            manifest_entries("name\tfile\na\tb\n")
                .unwrap_err()
                .contains("entry_file")
        );
        assert_eq!(
            manifest_entries("name\tentry_file\na\t\n").unwrap_err(),
            "line 2: no entry_file"
        );
        assert!(manifest_entries("").is_err());
    }

    #[test]
    fn a_manifest_folder_contributes_only_its_entries_and_other_folders_every_yaml_or_json() {
        let dir = tempfile::tempdir().unwrap();
        let write = |p: &str| {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{}").unwrap();
        };
        write("be/api/openapi.yaml");
        write("be/api/belgif/problem/v1/problem-v1.yaml");
        write("be/README.md");
        write("belgif/common/v1/common-v1.yaml");
        write("belgif/schema.json");
        write("belgif/notes.txt");
        std::fs::write(
            dir.path().join("be").join(MANIFEST),
            "name\tentry_file\napi\tapi/openapi.yaml\n",
        )
        .unwrap();
        let found: Vec<_> = entries(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            found,
            [
                Path::new("be/api/openapi.yaml"),
                Path::new("belgif/common/v1/common-v1.yaml"),
                Path::new("belgif/schema.json"),
            ]
        );
    }

    #[test]
    fn a_manifest_entry_that_does_not_exist_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(MANIFEST),
            "name\tentry_file\ngone\tgone.yaml\n",
        )
        .unwrap();
        let err = entries(dir.path()).unwrap_err().to_string();
        assert!(err.contains("`gone.yaml` does not exist"), "{err}");
    }
}
