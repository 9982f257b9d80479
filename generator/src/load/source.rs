//! Where contract files come from: a folder on disk or a zip in memory; and their parsing.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;
use sha2::Digest;

use crate::diag::Diagnostic;

/// The files of a contract.
pub enum Source {
    /// Files on disk, named relative to this folder.
    Dir(PathBuf),
    /// The entries of a zip, by normalized name.
    Zip {
        /// The zip file, for messages.
        archive: String,
        /// Entry name → bytes.
        entries: BTreeMap<String, Vec<u8>>,
    },
}

const ROOT_NAMES: [&str; 3] = ["openapi.yaml", "openapi.yml", "openapi.json"];
/// Zips and folders larger than this are not contracts.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

impl Source {
    /// Opens `input` and returns the source and the root file's name in it.
    pub fn open(input: &Path) -> Result<(Source, String), Diagnostic> {
        let shown = input.display().to_string();
        let meta = std::fs::metadata(input).map_err(|e| {
            Diagnostic::error(&shown, "", format!("cannot read: {e}"))
                .hint("give the contract's openapi.yaml, its folder, or the zip CBSS delivered")
        })?;
        if meta.is_dir() {
            let root = ROOT_NAMES
                .iter()
                .find(|n| input.join(n).is_file())
                .ok_or_else(|| {
                    Diagnostic::error(
                        &shown,
                        "",
                        "no openapi.yaml, openapi.yml or openapi.json in this folder",
                    )
                    .hint("give the root file of the contract itself")
                })?;
            return Ok((Source::Dir(input.to_owned()), (*root).to_owned()));
        }
        let is_zip = input
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if is_zip {
            return open_zip(input, &shown);
        }
        let dir = input.parent().map(Path::to_owned).unwrap_or_default();
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok((Source::Dir(dir), name))
    }

    /// The bytes of the file `name`.
    pub fn read(&self, name: &str) -> Result<Vec<u8>, Diagnostic> {
        match self {
            Source::Dir(dir) => std::fs::read(dir.join(name)).map_err(|e| {
                Diagnostic::error(name, "", format!("cannot read {}: {e}", dir.join(name).display()))
                    .hint("every file a `$ref` names must be shipped with the contract, at that relative path")
            }),
            Source::Zip { archive, entries } => entries.get(name).cloned().ok_or_else(|| {
                Diagnostic::error(name, "", format!("not in {archive}"))
                    .hint("every file a `$ref` names must be in the zip, at that relative path")
            }),
        }
    }

    /// The name of `relative` as referenced from the file `from`.
    pub fn join(&self, from: &str, relative: &str) -> Result<String, String> {
        let name = Self::join_names(from, relative)?;
        if matches!(self, Source::Zip { .. }) && name.starts_with("..") {
            return Err(format!("{name} lies outside the zip"));
        }
        Ok(name)
    }

    /// Joins and normalizes (`a/b.yaml` + `../c.yaml` → `c.yaml`), keeping leading `..`.
    pub fn join_names(from: &str, relative: &str) -> Result<String, String> {
        let relative = relative.replace('\\', "/");
        if relative.starts_with('/') || Path::new(&relative).is_absolute() {
            return Err("absolute file references are not portable; use a path relative to the referring file".into());
        }
        let base = Path::new(from).parent().unwrap_or(Path::new(""));
        let mut parts: Vec<String> = Vec::new();
        for c in base.join(relative.as_str()).components() {
            match c {
                Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
                Component::ParentDir => {
                    if parts.last().is_some_and(|p| p != "..") {
                        parts.pop();
                    } else {
                        parts.push("..".into());
                    }
                }
                Component::CurDir => {}
                _ => return Err("unsupported path".into()),
            }
        }
        Ok(parts.join("/"))
    }
}

fn open_zip(input: &Path, shown: &str) -> Result<(Source, String), Diagnostic> {
    let err = |m: String| Diagnostic::error(shown, "", m);
    let file = std::fs::File::open(input).map_err(|e| err(format!("cannot read: {e}")))?;
    let mut zip =
        zip::ZipArchive::new(file).map_err(|e| err(format!("not a readable zip: {e}")))?;
    let mut entries = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| err(format!("entry {i}: {e}")))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| err(format!("entry {i}: {e}")))?
            .replace('\\', "/");
        total += entry.size();
        if total > MAX_BYTES {
            return Err(err(
                "the zip unpacks to more than 256 MiB: not a contract".into()
            ));
        }
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| err(format!("{name}: {e}")))?;
        let name = Source::join_names("", &name).map_err(|m| err(format!("{name}: {m}")))?;
        entries.insert(name, bytes);
    }
    // The root is `openapi.yaml` at the top, or inside a single top-level folder.
    let root = entries
        .keys()
        .filter(|k| {
            ROOT_NAMES
                .iter()
                .any(|r| *k == r || k.ends_with(&format!("/{r}")))
        })
        .min_by_key(|k| k.matches('/').count())
        .cloned()
        .ok_or_else(|| err("no openapi.yaml in the zip".into()))?;
    Ok((
        Source::Zip {
            archive: shown.to_owned(),
            entries,
        },
        root,
    ))
}

/// Parses YAML or JSON (JSON is YAML, but its own parser gives better messages).
pub fn parse(name: &str, bytes: &[u8]) -> Result<Value, Diagnostic> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| Diagnostic::error(name, "", format!("not UTF-8 text: {e}")).code("syntax"))?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if name.ends_with(".json") || trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| {
            Diagnostic::error(
                name,
                "",
                format!(
                    "invalid JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
            )
            .code("syntax")
        });
    }
    let value: Value = serde_norway::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
            .unwrap_or_default();
        Diagnostic::error(name, "", format!("invalid YAML{at}: {e}")).code("syntax")
    })?;
    if !value.is_object() {
        return Err(Diagnostic::error(
            name,
            "",
            "the document is not a mapping (an object)",
        ));
    }
    Ok(value)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
