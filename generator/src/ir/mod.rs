//! Stage 2, IR: the contract as Rust sees it — one [`TypeSpace`] of named types and the list of
//! [`Operation`]s — independent of how the source was spelled.

pub mod naming;
mod operation;
mod schema;
pub mod ty;

use serde_json::Value;

pub use operation::{
    Answer, Body, BodyKind, Operation, Param, ParamIn, ParamStyle, PartEncoding, StatusMatch,
    media_essence,
};
pub use schema::TypeSpace;
pub use ty::{Field, RuntimeType, Ty, TypeDef, TypeId, TypeKind, UnionVariant};

use crate::diag::Diagnostic;
use crate::load::Contract;

/// The whole API.
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version` (placeholders such as `${project.version}` kept as text).
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The base path from `servers[0].url` (`/socialStatus/v1`), empty if absent.
    pub base_path: String,
    /// Types.
    pub types: TypeSpace,
    /// Operations.
    pub operations: Vec<Operation>,
    /// SHA-256 of the root contract file.
    pub sha256: String,
    /// `info.license.identifier` (SPDX, OpenAPI 3.1): the contract's own licence.
    pub contract_license: Option<String>,
    /// The contract's files as read (name relative to the root file's folder, bytes), root
    /// first: a generated crate carries them, so a later version can be compared with it.
    pub contract_files: Vec<(String, Vec<u8>)>,
}

impl Api {
    /// Builds the IR.
    pub fn from_contract(c: &Contract) -> Result<Api, Diagnostic> {
        let root = c.root();
        // Borrowed, never cloned: a large contract is megabytes of values.
        let doc = c.get(&root).unwrap_or(&Value::Null);
        let info = doc.get("info").unwrap_or(&Value::Null);
        let text = |v: &Value, k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .map(|s| s.trim().to_owned())
        };
        let title = text(info, "title").ok_or_else(|| {
            c.error(&root.child("info"), "no `info.title`")
                .hint("the title names the API")
        })?;
        let version = match info.get("version") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => "0".into(),
        };
        let base_path = doc
            .get("servers")
            .and_then(|s| s.get(0))
            .and_then(|s| s.get("url"))
            .and_then(Value::as_str)
            .map(base_path_of)
            .unwrap_or_default();
        let mut types = TypeSpace::default();
        // Loading's findings come first: the single sink of warnings is the type space.
        types.warnings.extend(c.warnings().iter().cloned());
        types.merge_patch = operation::merge_patch_bodies(c)?;
        // Component schemas first, in contract order: they own the canonical names, and a
        // contract of building blocks (`paths: {}`) still yields its types.
        let schemas = root.child("components").child("schemas");
        if let Some(Value::Object(map)) = c.get(&schemas) {
            let names: Vec<String> = map.keys().cloned().collect();
            for name in names {
                types.component(c, &schemas.child(&name), &name)?;
            }
        }
        let operations = operation::operations(c, &mut types)?;
        break_alias_cycles(&mut types);
        Ok(Api {
            title,
            version,
            description: text(info, "description"),
            base_path,
            types,
            operations,
            sha256: c.sha256.clone(),
            contract_license: info
                .get("license")
                .and_then(|l| text(l, "identifier"))
                .filter(|s| !s.is_empty()),
            contract_files: c
                .files_as_written()
                .map(|(name, bytes)| (name.to_owned(), bytes.to_vec()))
                .collect(),
        })
    }
}

/// `/socialStatus/v1` stays; `https://host/x/v1` → `/x/v1`; trailing `/` dropped.
fn base_path_of(url: &str) -> String {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map(|i| &rest[i..]).unwrap_or(""),
        None => url,
    };
    path.trim_end_matches('/').to_owned()
}

/// `A = allOf[B]`, `B = allOf[A]` would be `type A = B; type B = A;`, which does not compile: such
/// a cycle says nothing about the data, so its members become plain JSON.
fn break_alias_cycles(types: &mut TypeSpace) {
    for start in 0..types.defs.len() {
        let mut seen = vec![start];
        let mut current = start;
        while let TypeKind::Alias(Ty::Named(next)) = &types.defs[current].kind {
            if seen.contains(next) {
                for id in seen {
                    types.defs[id].kind = TypeKind::Alias(Ty::Json);
                }
                break;
            }
            seen.push(*next);
            current = *next;
        }
    }
}
