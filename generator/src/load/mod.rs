//! Stage 1, load: the contract as CBSS delivers it — one file, a folder, or a zip — with every
//! file reachable by a relative `$ref` parsed up front, so later stages never touch the disk.
//! Swagger 2.0 files are converted to OpenAPI 3.0 and OpenAPI 3.1 schemas normalised to their
//! 3.0 spelling here, so later stages read one dialect; diagnostics still name the original
//! pointers (see [`Contract::original_pointer`]).

mod dialect;
mod openapi31;
mod origin;
mod source;
mod swagger2;
mod swagger2_parts;
mod swagger2_schema;

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use crate::diag::Diagnostic;
use dialect::check_version;
use origin::Origin;
pub use source::Source;

/// Index of a loaded file.
pub type FileId = usize;

/// A place in the contract: a file and a JSON pointer in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    /// The file.
    pub file: FileId,
    /// RFC 6901 pointer, `""` for the whole document.
    pub pointer: String,
}

impl Loc {
    /// The location of a child of this one.
    pub fn child(&self, token: &str) -> Loc {
        Loc {
            file: self.file,
            pointer: format!("{}/{}", self.pointer, crate::diag::escape_token(token)),
        }
    }
}

struct File {
    name: String,
    value: Value,
    /// The bytes as read, kept so a generated crate can carry its contract unchanged.
    bytes: Vec<u8>,
    /// Maps pointers of `value` back to the file as written, applied in order (normalisation,
    /// then conversion from Swagger 2.0).
    origins: Vec<Origin>,
}

/// A loaded contract: the root document and every file it references.
pub struct Contract {
    files: Vec<File>,
    index: BTreeMap<String, FileId>,
    /// SHA-256 of the root document bytes, recorded in generated crates.
    pub sha256: String,
    /// What loading found worth saying (conversions, 3.1 keywords in a 3.0 document…).
    warnings: Vec<Diagnostic>,
}

impl Contract {
    /// Loads a contract from a file, a folder (its `openapi.yaml`/`.yml`/`.json`) or a zip.
    pub fn load(input: &std::path::Path) -> Result<Contract, Diagnostic> {
        let (source, root) = Source::open(input)?;
        let bytes = source.read(&root)?;
        Self::assemble(
            root,
            &bytes,
            |from, path| source.join(from, path),
            |name| source.read(name),
        )
    }

    /// Loads a single-file contract from memory (YAML or JSON; `name` is the file name used in
    /// diagnostics, and a name ending in `.json` selects the JSON parser). There are no other
    /// files: an external `$ref` (to `other.yaml#/…`) is an error diagnostic, not a read.
    ///
    /// ```
    /// let contract = bcss_codegen::Contract::from_bytes(
    ///     "openapi.yaml",
    ///     b"openapi: 3.0.3\ninfo: {title: Demo, version: '1.0'}\npaths: {}\n",
    /// )?;
    /// assert_eq!(contract.file_count(), 1);
    /// # Ok::<(), bcss_codegen::Diagnostic>(())
    /// ```
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<Contract, Diagnostic> {
        Self::assemble(
            name.to_owned(),
            bytes,
            |_, _| {
                Err("the contract was given as a single file in memory: references to other files cannot be followed".into())
            },
            |name| Err(Diagnostic::error(name, "", "not available in memory")),
        )
    }

    /// Parses the root document, then every file reachable by a relative `$ref`, breadth-first:
    /// `join` names a referenced file (from the referring file's name), `read` reads it.
    fn assemble(
        root: String,
        bytes: &[u8],
        join: impl Fn(&str, &str) -> Result<String, String>,
        read: impl Fn(&str) -> Result<Vec<u8>, Diagnostic>,
    ) -> Result<Contract, Diagnostic> {
        let mut contract = Contract {
            files: Vec::new(),
            index: BTreeMap::new(),
            sha256: source::sha256_hex(bytes),
            warnings: Vec::new(),
        };
        let mut by_name: BTreeMap<String, FileId> = BTreeMap::new();
        let root_value = source::parse(&root, bytes)?;
        let dialect = check_version(&root, &root_value)?;
        by_name.insert(root.clone(), 0);
        contract.files.push(File {
            name: root,
            value: root_value,
            bytes: bytes.to_vec(),
            origins: Vec::new(),
        });
        // Breadth-first over external references.
        let mut next = 0;
        while next < contract.files.len() {
            let mut refs = Vec::new();
            collect_refs(&contract.files[next].value, "", &mut refs);
            for (pointer, reference) in refs {
                let Some((path, _)) = split_ref(&reference) else {
                    continue;
                };
                if path.is_empty() {
                    continue;
                }
                let from = contract.files[next].name.clone();
                let name = join(&from, path).map_err(|m| {
                    Diagnostic::error(&from, &pointer, format!("`$ref: {reference}`: {m}"))
                        .code("unresolved-ref")
                })?;
                if by_name.contains_key(&name) {
                    continue;
                }
                let bytes = read(&name).map_err(|mut d| {
                    d.message = format!("`$ref: {reference}` from {from}#{pointer}: {}", d.message);
                    d.code("unresolved-ref")
                })?;
                let value = source::parse(&name, &bytes)?;
                by_name.insert(name.clone(), contract.files.len());
                contract.files.push(File {
                    name,
                    value,
                    bytes,
                    origins: Vec::new(),
                });
            }
            next += 1;
        }
        contract.index = by_name;
        contract.convert_swagger2()?;
        contract.normalise(dialect);
        Ok(contract)
    }

    /// What loading found worth a warning, in document order.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The pointer of `loc` in the file as written (a converted Swagger 2.0 file, a normalised
    /// OpenAPI 3.1 schema), for diagnostics.
    pub fn original_pointer(&self, loc: &Loc) -> String {
        let mut pointer = loc.pointer.clone();
        for origin in self
            .files
            .get(loc.file)
            .map(|f| f.origins.as_slice())
            .unwrap_or_default()
        {
            pointer = origin.original(&pointer);
        }
        pointer
    }

    /// Every file of the contract as it was read: its name (relative to the root file's folder,
    /// `..` where a reference leaves it) and its bytes, root first.
    pub fn files_as_written(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .map(|f| (f.name.as_str(), f.bytes.as_slice()))
    }

    /// The root document's location.
    pub fn root(&self) -> Loc {
        Loc {
            file: 0,
            pointer: String::new(),
        }
    }

    /// The display name of a file.
    pub fn file_name(&self, file: FileId) -> &str {
        &self.files[file].name
    }

    /// Number of files loaded.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// The value at `loc`, without following references.
    pub fn get(&self, loc: &Loc) -> Option<&Value> {
        self.files.get(loc.file)?.value.pointer(&loc.pointer)
    }

    /// An error diagnostic at `loc`.
    pub fn error(&self, loc: &Loc, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(
            self.file_name(loc.file),
            self.original_pointer(loc),
            message,
        )
    }

    /// A warning diagnostic at `loc`, of kind `code` (see [`Diagnostic::code`]).
    pub fn warning(&self, loc: &Loc, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(
            self.file_name(loc.file),
            self.original_pointer(loc),
            message,
        )
        .code(code)
    }

    /// Where a `$ref` written at `from` points.
    pub fn ref_target(&self, from: &Loc, reference: &str) -> Result<Loc, Diagnostic> {
        let (path, pointer) = split_ref(reference).ok_or_else(|| {
            self.error(from, format!("`$ref: {reference}` is not a relative reference"))
                .code("unresolved-ref")
                .hint("use `file.yaml#/json/pointer` or `#/json/pointer`; remote (http) references are not followed")
        })?;
        let file = if path.is_empty() {
            from.file
        } else {
            let from_name = self.file_name(from.file);
            let name = Source::join_names(from_name, path).map_err(|m| {
                self.error(from, format!("`$ref: {reference}`: {m}"))
                    .code("unresolved-ref")
            })?;
            *self.index.get(&name).ok_or_else(|| {
                self.error(
                    from,
                    format!("`$ref: {reference}`: file {name} was not loaded"),
                )
                .code("unresolved-ref")
            })?
        };
        let loc = Loc {
            file,
            pointer: percent_decode(pointer),
        };
        if self.get(&loc).is_none() {
            return Err(self
                .error(
                    from,
                    format!(
                        "`$ref: {reference}` points to nothing: {} has no {}",
                        self.file_name(file),
                        display_pointer(pointer)
                    ),
                )
                .code("unresolved-ref")
                .hint("check the spelling of the JSON pointer (`~1` stands for `/`)"));
        }
        Ok(loc)
    }

    /// Follows `$ref` chains from `loc` to a value that is not a reference.
    pub fn resolve(&self, loc: &Loc) -> Result<(Loc, &Value), Diagnostic> {
        let mut seen = HashSet::new();
        let mut current = loc.clone();
        loop {
            let value = self
                .get(&current)
                .ok_or_else(|| self.error(&current, "nothing at this location"))?;
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Ok((current, value));
            };
            if !seen.insert(current.clone()) {
                return Err(self
                    .error(loc, format!("`$ref` cycle: the chain of references from here comes back to {}#{}", self.file_name(current.file), current.pointer))
                    .code("ref-cycle")
                    .hint("one of the references must point to a definition, not to another reference"));
            }
            current = self.ref_target(&current, reference)?;
        }
    }
}

/// A `$ref` is a URI: its fragment may be percent-encoded (`~1users~1%7Bid%7D`).
fn percent_decode(pointer: &str) -> String {
    if !pointer.contains('%') {
        return pointer.to_owned();
    }
    let bytes = pointer.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| pointer.to_owned())
}

fn display_pointer(p: &str) -> String {
    if p.is_empty() {
        "root".into()
    } else {
        format!("`{p}`")
    }
}

/// `file.yaml#/a/b` → ("file.yaml", "/a/b"); `#/a` → ("", "/a"); remote URLs → None.
fn split_ref(reference: &str) -> Option<(&str, &str)> {
    if reference.contains("://") {
        return None;
    }
    Some(match reference.split_once('#') {
        Some((path, pointer)) => (path, pointer),
        None => (reference, ""),
    })
}

fn collect_refs(value: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push((pointer.to_owned(), r.clone()));
            }
            for (k, v) in map {
                collect_refs(
                    v,
                    &format!("{pointer}/{}", crate::diag::escape_token(k)),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_refs(v, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}
