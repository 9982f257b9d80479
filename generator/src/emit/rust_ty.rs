//! Type expressions as Rust tokens, and which fields need a `Box` to break recursion.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{RuntimeType, Ty, TypeId, TypeKind, TypeSpace};

/// An identifier, raw (`r#type`) where the name says so.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust type of `ty`.
pub fn tokens(ty: &Ty, types: &TypeSpace) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::Date => quote!(bcss_runtime::exports::chrono::NaiveDate),
        Ty::DateTime => {
            quote!(
                bcss_runtime::exports::chrono::DateTime<bcss_runtime::exports::chrono::FixedOffset>
            )
        }
        Ty::Uuid => quote!(bcss_runtime::exports::uuid::Uuid),
        Ty::Decimal => quote!(bcss_runtime::types::Decimal),
        Ty::Base64 => quote!(bcss_runtime::types::Base64),
        Ty::Binary => quote!(bcss_runtime::exports::bytes::Bytes),
        Ty::Json => quote!(serde_json::Value),
        Ty::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        Ty::Vec(inner) => {
            let inner = in_json(inner, types);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = in_json(inner, types);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Nullable(inner) => {
            let inner = in_json(inner, types);
            quote!(Option<#inner>)
        }
        Ty::Named(id) => {
            // Always by path: operation builders live in another module and may share names.
            let name = ident(&types.defs[*id].name);
            quote!(crate::types::#name)
        }
        Ty::Runtime(rt) => match rt {
            RuntimeType::Problem => quote!(bcss_runtime::Problem),
            RuntimeType::Ssin => quote!(bcss_runtime::types::Ssin),
            RuntimeType::LocalizedString => quote!(bcss_runtime::types::LocalizedString),
            RuntimeType::HttpLink | RuntimeType::SelfLink => quote!(bcss_runtime::types::HttpLink),
        },
    }
}

/// Inside JSON documents raw bytes can only be base64 text.
fn in_json(ty: &Ty, types: &TypeSpace) -> TokenStream {
    match ty {
        Ty::Binary => quote!(bcss_runtime::types::Base64),
        other => tokens(other, types),
    }
}

/// The type of a JSON field (binary inside JSON is base64).
pub fn field_tokens(ty: &Ty, types: &TypeSpace) -> TokenStream {
    in_json(ty, types)
}

/// Whether a field of type `ty` inside `owner` must be boxed: it contains `owner` again without
/// any indirection (a `Vec` or a map already is one).
pub fn needs_box(ty: &Ty, owner: TypeId, types: &TypeSpace) -> bool {
    match ty {
        Ty::Named(id) => reaches(*id, owner, types, &mut Vec::new()),
        _ => false,
    }
}

fn reaches(from: TypeId, target: TypeId, types: &TypeSpace, seen: &mut Vec<TypeId>) -> bool {
    if from == target {
        return true;
    }
    if seen.contains(&from) {
        return false;
    }
    seen.push(from);
    let direct: Vec<TypeId> = match &types.defs[from].kind {
        TypeKind::Struct {
            fields, flattened, ..
        } => fields
            .iter()
            .map(|f| &f.ty)
            .chain(flattened.iter().map(|(_, t)| t))
            .filter_map(|t| {
                if let Ty::Named(id) = t {
                    Some(*id)
                } else {
                    None
                }
            })
            .collect(),
        TypeKind::Union { variants, .. } => variants
            .iter()
            .filter_map(|v| {
                if let Ty::Named(id) = v.ty {
                    Some(id)
                } else {
                    None
                }
            })
            .collect(),
        TypeKind::Alias(Ty::Named(id)) => vec![*id],
        _ => Vec::new(),
    };
    direct
        .into_iter()
        .any(|id| reaches(id, target, types, seen))
}

/// Whether values of this type can derive `Eq` (no floats inside).
pub fn has_float(ty: &Ty, types: &TypeSpace, seen: &mut Vec<TypeId>) -> bool {
    match ty {
        Ty::F64 | Ty::Json | Ty::JsonObject => true,
        Ty::Vec(i) | Ty::Map(i) | Ty::Nullable(i) => has_float(i, types, seen),
        Ty::Runtime(RuntimeType::Problem) => true,
        Ty::Named(id) => {
            if seen.contains(id) {
                return false;
            }
            seen.push(*id);
            match &types.defs[*id].kind {
                TypeKind::Struct {
                    fields,
                    additional,
                    flattened,
                } => {
                    fields.iter().any(|f| has_float(&f.ty, types, seen))
                        || additional
                            .as_ref()
                            .is_some_and(|a| has_float(a, types, seen))
                        || flattened.iter().any(|(_, t)| has_float(t, types, seen))
                }
                TypeKind::Consts { base, .. } => *base == Ty::F64,
                TypeKind::Union { .. } => true,
                TypeKind::Alias(t) => has_float(t, types, seen),
                _ => false,
            }
        }
        _ => false,
    }
}
