//! Stage 1, load: the contract as CBSS delivers it — one file, a folder, or a zip — with every
//! file reachable by a relative `$ref` parsed up front, so later stages never touch the disk.
//! Swagger 2.0 files are converted to OpenAPI 3.0 and OpenAPI 3.1 schemas normalised to their
//! 3.0 spelling here, so later stages read one dialect; diagnostics still name the original
//! pointers (see [`Contract::original_pointer`]).

mod openapi31;
mod origin;
mod source;
mod swagger2;
mod swagger2_schema;

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use crate::diag::Diagnostic;
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
                })?;
                if by_name.contains_key(&name) {
                    continue;
                }
                let bytes = read(&name).map_err(|mut d| {
                    d.message = format!("`$ref: {reference}` from {from}#{pointer}: {}", d.message);
                    d
                })?;
                let value = source::parse(&name, &bytes)?;
                by_name.insert(name.clone(), contract.files.len());
                contract.files.push(File {
                    name,
                    value,
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

    /// Converts every Swagger 2.0 file (Belgif building blocks reference each other across
    /// files), then points every `$ref` into a converted file at the converted place.
    fn convert_swagger2(&mut self) -> Result<(), Diagnostic> {
        let mut converted = Vec::new();
        for (id, file) in self.files.iter().enumerate() {
            let Some(version) = file.value.get("swagger") else {
                continue;
            };
            if version.as_str() != Some("2.0") && version.as_f64() != Some(2.0) {
                return Err(unsupported_swagger(&file.name, "swagger", version));
            }
            let lookup = |reference: &str| self.raw_parameter(id, reference);
            let result = swagger2::convert(&file.name, &file.value, &lookup)?;
            converted.push((id, result));
        }
        if converted.is_empty() {
            return Ok(());
        }
        let mut is_converted = vec![false; self.files.len()];
        for (id, result) in converted {
            is_converted[id] = true;
            let file = &mut self.files[id];
            file.value = result.value;
            file.origins.push(result.origin);
            for (pointer, code, message) in result.warnings {
                self.warnings
                    .push(Diagnostic::warning(&file.name, pointer, message).code(code));
            }
        }
        for id in 0..self.files.len() {
            let name = self.files[id].name.clone();
            let targets = |reference: &str| -> bool {
                let Some((path, _)) = split_ref(reference) else {
                    return false;
                };
                let target = if path.is_empty() {
                    Some(id)
                } else {
                    Source::join_names(&name, path)
                        .ok()
                        .and_then(|n| self.index.get(&n).copied())
                };
                target.is_some_and(|t| is_converted[t])
            };
            let mut value = std::mem::take(&mut self.files[id].value);
            rewrite_refs(&mut value, &targets);
            self.files[id].value = value;
        }
        Ok(())
    }

    /// The raw value a parameter `$ref` written in file `from` leads to (following chains),
    /// before any conversion.
    fn raw_parameter(&self, from: FileId, reference: &str) -> Option<Value> {
        let mut file = from;
        let mut reference = reference.to_owned();
        for _ in 0..16 {
            let (path, pointer) = split_ref(&reference)?;
            if !path.is_empty() {
                let name = Source::join_names(&self.files[file].name, path).ok()?;
                file = *self.index.get(&name)?;
            }
            let value = self.files[file].value.pointer(&percent_decode(pointer))?;
            match value.get("$ref").and_then(Value::as_str) {
                Some(next) => reference = next.to_owned(),
                None => return Some(value.clone()),
            }
        }
        None
    }

    /// Rewrites OpenAPI 3.1 schemas (and 3.1 spellings in 3.0 documents) into the 3.0 form.
    fn normalise(&mut self, dialect: Dialect) {
        for id in 0..self.files.len() {
            let file = &mut self.files[id];
            let is31 = match file.value.get("openapi").and_then(Value::as_str) {
                Some(v) => v.starts_with("3.1"),
                None => dialect == Dialect::OpenApi31 && file.origins.is_empty(),
            };
            let mut origin = Origin::default();
            let mut found = Vec::new();
            if id == 0 {
                root_document(&mut file.value, is31, &mut found);
            }
            openapi31::normalise(&mut file.value, is31, &mut origin, &mut found);
            file.origins.insert(0, origin);
            for (pointer, code, message) in found {
                let loc = Loc { file: id, pointer };
                let w = self.warning(&loc, code, message);
                self.warnings.push(w);
            }
        }
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
                .hint("use `file.yaml#/json/pointer` or `#/json/pointer`; remote (http) references are not followed")
        })?;
        let file = if path.is_empty() {
            from.file
        } else {
            let from_name = self.file_name(from.file);
            let name = Source::join_names(from_name, path)
                .map_err(|m| self.error(from, format!("`$ref: {reference}`: {m}")))?;
            *self.index.get(&name).ok_or_else(|| {
                self.error(
                    from,
                    format!("`$ref: {reference}`: file {name} was not loaded"),
                )
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

/// The language of the root document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    Swagger20,
    OpenApi30,
    OpenApi31,
}

fn unsupported_swagger(name: &str, key: &str, version: &Value) -> Diagnostic {
    let v = match version {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Diagnostic::error(name, format!("/{key}"), format!("Swagger {v} is not supported: Swagger 2.0, OpenAPI 3.0 and 3.1 are"))
        .hint("convert the contract to OpenAPI 3.0 (e.g. with the Swagger Editor's converter), then generate again")
}

fn check_version(name: &str, root: &Value) -> Result<Dialect, Diagnostic> {
    if let Some(v) = root.get("swaggerVersion") {
        return Err(unsupported_swagger(name, "swaggerVersion", v));
    }
    if let Some(v) = root.get("swagger") {
        if v.as_str() == Some("2.0") || v.as_f64() == Some(2.0) {
            return Ok(Dialect::Swagger20);
        }
        return Err(unsupported_swagger(name, "swagger", v));
    }
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") => Ok(Dialect::OpenApi30),
        Some(v) if v.starts_with("3.1") => Ok(Dialect::OpenApi31),
        Some(v) => Err(Diagnostic::error(name, "/openapi", format!("OpenAPI {v} is not supported: 3.0.x and 3.1.x are (and Swagger 2.0)"))
            .hint("if the contract only uses what OpenAPI 3.1 has, set `openapi: 3.1.0`; otherwise ask its authors for a 3.0 or 3.1 version")),
        None => Err(Diagnostic::error(name, "", "not an OpenAPI document: no `openapi` field at the top")
            .hint("the input must be the contract's root file (openapi.yaml), its folder, or the zip")),
    }
}

/// Root-document differences of OpenAPI 3.1: `paths` may be absent; `webhooks` are calls the
/// API makes, not calls a client makes.
fn root_document(doc: &mut Value, is31: bool, warnings: &mut openapi31::Warnings) {
    if doc
        .get("webhooks")
        .is_some_and(|w| w.as_object().is_some_and(|m| !m.is_empty()))
    {
        warnings.push((
            "/webhooks".into(),
            "webhooks",
            "`webhooks` are requests the API sends, not a client concern: they are not generated"
                .into(),
        ));
    }
    if is31
        && doc.get("paths").is_none()
        && let Value::Object(map) = doc
    {
        map.insert("paths".into(), Value::Object(serde_json::Map::new()));
    }
}

/// Points every `$ref` into a converted Swagger 2.0 file (`targets`) at the converted place.
fn rewrite_refs(value: &mut Value, targets: &dyn Fn(&str) -> bool) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && targets(r)
                && let Some((path, pointer)) = r.split_once('#')
                && let Some(rewritten) = swagger2::rewrite_pointer(pointer)
            {
                *r = format!("{path}#{rewritten}");
            }
            for v in map.values_mut() {
                rewrite_refs(v, targets);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, targets)),
        _ => {}
    }
}
