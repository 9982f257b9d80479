//! Type definitions: structs (contract defaults, flattened unions, extra properties), enums with an
//! `Unknown` fallback, integer enums as open newtypes, unions, validating newtypes.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::doc;
use super::rust_ty::{field_tokens, has_float, ident, needs_box, tokens};
use crate::ir::{Field, Ty, TypeDef, TypeId, TypeKind, TypeSpace, UnionVariant};

/// Every type of the API.
pub fn emit(types: &TypeSpace) -> TokenStream {
    let defs = types
        .defs
        .iter()
        .enumerate()
        .map(|(id, def)| emit_def(id, def, types));
    let derives_serde = types
        .defs
        .iter()
        .any(|d| !matches!(d.kind, TypeKind::Alias(_)));
    let uses = derives_serde.then(|| {
        quote!(
            use serde::{Deserialize, Serialize};
        )
    });
    quote! {
        //! Types of the API, generated from its contract.
        #![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation)]
        #uses
        #(#defs)*
    }
}

fn emit_def(id: TypeId, def: &TypeDef, types: &TypeSpace) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let eq = if has_float(&Ty::Named(id), types, &mut Vec::new()) {
        quote!()
    } else {
        quote!(Eq,)
    };
    match &def.kind {
        TypeKind::Struct {
            fields,
            additional,
            flattened,
        } => {
            let defaults = fields
                .iter()
                .filter_map(|f| default_fn(f, id, types))
                .collect::<Vec<_>>();
            let defaults = (!defaults.is_empty()).then(|| {
                quote! {
                    /// The contract's defaults, applied when a property is missing.
                    impl #name {
                        #(#defaults)*
                    }
                }
            });
            let fields_ir = fields.as_slice();
            let fields = fields.iter().map(|f| emit_field(id, def, f, types));
            let unions = flattened.iter().map(|(field, t)| {
                let field = ident(field);
                let boxed = needs_box(t, id, types);
                let mut t = field_tokens(t, types);
                if boxed {
                    t = quote!(Box<#t>);
                }
                quote! {
                    /// The alternative this value is, whose properties sit beside the others.
                    #[serde(flatten)]
                    pub #field: #t,
                }
            });
            let extra = additional.as_ref().map(|t| {
                let t = field_tokens(t, types);
                quote! {
                    /// Properties beyond the named ones.
                    #[serde(flatten)]
                    pub additional_properties: std::collections::BTreeMap<String, #t>,
                }
            });
            let constructor = super::builders::constructor(
                id,
                &quote!(#name),
                fields_ir,
                flattened,
                additional.as_ref(),
                types,
            );
            let default =
                super::builders::defaultable(fields_ir, flattened).then(|| quote!(Default,));
            quote! {
                #docs
                #[derive(Clone, Debug, #default PartialEq, #eq Serialize, Deserialize)]
                #[non_exhaustive]
                pub struct #name {
                    #(#fields)*
                    #(#unions)*
                    #extra
                }
                #constructor
                #defaults
            }
        }
        TypeKind::Consts { base, values } => {
            let base_ty = tokens(base, types);
            let total = if *base == Ty::F64 {
                quote!()
            } else {
                quote!(Eq, Hash, Ord,)
            };
            let consts = values.iter().map(|(c, n)| {
                let c = ident(c);
                let d = format!(" `{n}`");
                let lit = number_literal(base, n);
                quote!(#[doc = #d] pub const #c: Self = Self(#lit);)
            });
            let open =
                "The API may add values: any value of the type is kept (Belgif `evo-compat`).";
            let docs = doc(Some(&match &def.doc {
                Some(d) => format!("{d}\n\n{open}"),
                None => open.to_owned(),
            }));
            quote! {
                #docs
                #[derive(Clone, Copy, Debug, PartialEq, PartialOrd, #total Serialize, Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #base_ty);

                impl #name {
                    #(#consts)*
                }
            }
        }
        TypeKind::Enum { variants } => {
            let vs = variants.iter().map(|v| {
                let vn = ident(&v.name);
                let value = &v.value;
                let d = format!(" `{value}`");
                quote!(#[doc = #d] #[serde(rename = #value)] #vn,)
            });
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
                #[non_exhaustive]
                pub enum #name {
                    #(#vs)*
                    /// A value this client does not know yet: the API may add values (Belgif `evo-compat`),
                    /// and a later version of this crate may name it (the enum is `#[non_exhaustive]`: match with a `_` arm).
                    #[serde(untagged)]
                    Unknown(String),
                }
            }
        }
        TypeKind::Union {
            variants,
            discriminator,
        } => emit_union(id, &name, docs, variants, discriminator.as_deref(), types),
        TypeKind::Newtype {
            base,
            pattern,
            min_length,
            max_length,
        } => {
            let opt_str = |p: &Option<String>| match p {
                Some(p) => quote!(Some(#p)),
                None => quote!(None),
            };
            let opt_len = |n: &Option<u64>| match n {
                Some(n) => {
                    let n = Literal::usize_unsuffixed(*n as usize);
                    quote!(Some(#n))
                }
                None => quote!(None),
            };
            let (p, min, max) = (opt_str(pattern), opt_len(min_length), opt_len(max_length));
            if *base == Ty::Decimal {
                return quote! {
                    #docs
                    #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
                    #[serde(transparent)]
                    pub struct #name(bcss_runtime::types::Decimal);

                    impl #name {
                        /// Checks the value's text against the contract's constraints.
                        pub fn new(value: bcss_runtime::types::Decimal) -> Result<Self, bcss_runtime::types::InvalidValue> {
                            bcss_runtime::params::check_string(value.as_str(), #p, #min, #max)?;
                            Ok(Self(value))
                        }

                        /// The number.
                        pub fn value(&self) -> &bcss_runtime::types::Decimal {
                            &self.0
                        }

                        /// The text.
                        pub fn as_str(&self) -> &str {
                            self.0.as_str()
                        }
                    }

                    impl std::str::FromStr for #name {
                        type Err = bcss_runtime::types::InvalidValue;
                        fn from_str(s: &str) -> Result<Self, Self::Err> {
                            Self::new(s.parse()?)
                        }
                    }
                };
            }
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
                #[serde(transparent)]
                pub struct #name(String);

                impl #name {
                    /// Checks the value against the contract's constraints.
                    pub fn new(value: impl Into<String>) -> Result<Self, bcss_runtime::types::InvalidValue> {
                        let value = value.into();
                        bcss_runtime::params::check_string(&value, #p, #min, #max)?;
                        Ok(Self(value))
                    }

                    /// The text.
                    pub fn as_str(&self) -> &str {
                        &self.0
                    }
                }

                impl std::str::FromStr for #name {
                    type Err = bcss_runtime::types::InvalidValue;
                    fn from_str(s: &str) -> Result<Self, Self::Err> {
                        Self::new(s)
                    }
                }
            }
        }
        TypeKind::Alias(ty) => {
            let t = field_tokens(ty, types);
            quote!(#docs pub type #name = #t;)
        }
    }
}

fn emit_field(owner: TypeId, def: &TypeDef, f: &Field, types: &TypeSpace) -> TokenStream {
    let name = ident(&f.name);
    let text = match (&f.doc, &f.default) {
        (Some(d), Some(v)) => Some(format!("{d}\n\n{}", default_doc(v))),
        (None, Some(v)) => Some(default_doc(v)),
        (d, None) => d.clone(),
    };
    let docs = doc(text.as_deref());
    let ty = field_type(owner, f, types);
    let json = &f.json;
    let rename = if f.name.trim_start_matches("r#") == json {
        quote!()
    } else {
        quote!(rename = #json,)
    };
    if f.patch_nullable {
        return quote! {
            #docs
            #[serde(#rename default, skip_serializing_if = "Option::is_none", with = "bcss_runtime::types::double_option")]
            pub #name: Option<Option<#ty>>,
        };
    }
    if f.required && f.nullable {
        // The key must be there (a plain `Option` would take a missing key as `None`), and
        // `None` is written as `null`.
        return quote! {
            #docs
            #[serde(#rename deserialize_with = "Option::deserialize")]
            pub #name: Option<#ty>,
        };
    }
    if f.required {
        let attr = if rename.is_empty() {
            quote!()
        } else {
            quote!(#[serde(#rename)])
        };
        return quote!(#docs #attr pub #name: #ty,);
    }
    let default = match &f.default {
        Some(_) if !f.required => {
            let path = format!("{}::{}", def.name, default_fn_name(f));
            quote!(default = #path)
        }
        _ => quote!(default),
    };
    quote! {
        #docs
        #[serde(#rename #default, skip_serializing_if = "Option::is_none")]
        pub #name: Option<#ty>,
    }
}

/// The Rust type of a field's value (boxed where it would make the owner infinitely large).
fn field_type(owner: TypeId, f: &Field, types: &TypeSpace) -> TokenStream {
    let ty = field_tokens(&f.ty, types);
    if needs_box(&f.ty, owner, types) {
        quote!(Box<#ty>)
    } else {
        ty
    }
}

/// The documentation line of a contract `default` (for struct fields and builder setters).
pub fn default_doc(value: &serde_json::Value) -> String {
    format!("Default: `{value}`.")
}

/// Unique per struct: field names are (`self_` stays `default_self_`, `r#type` is `default_type`).
fn default_fn_name(f: &Field) -> String {
    format!("default_{}", f.name.trim_start_matches("r#"))
}

/// `fn default_x() -> Option<T>` for an optional field with a default (missing → the default;
/// an explicit `null` stays `None`).
fn default_fn(f: &Field, owner: TypeId, types: &TypeSpace) -> Option<TokenStream> {
    let value = f.default.as_ref()?;
    if f.required || f.patch_nullable {
        return None;
    }
    let fn_name = ident(&default_fn_name(f));
    let ty = field_type(owner, f, types);
    let body = match literal(&f.ty, value, types) {
        Some(lit) => quote!(Some(#lit)),
        None => {
            // Checked against the type when the IR was built; decoded once per missing field.
            let text = value.to_string();
            quote!(serde_json::from_str(#text).ok())
        }
    };
    let d = format!(" `{value}`");
    Some(quote! {
        #[doc = #d]
        fn #fn_name() -> Option<#ty> {
            #body
        }
    })
}

/// `value` as a Rust expression of type `ty`, where it is a simple literal.
fn literal(ty: &Ty, value: &serde_json::Value, types: &TypeSpace) -> Option<TokenStream> {
    use serde_json::Value;
    match (ty, value) {
        (Ty::String, Value::String(s)) => Some(quote!(#s.to_owned())),
        (Ty::Bool, Value::Bool(b)) => Some(quote!(#b)),
        (Ty::I32 | Ty::I64 | Ty::F64, Value::Number(n)) => Some(number_literal(ty, n)),
        (Ty::Named(id), _) => {
            let def = &types.defs[*id];
            let name = ident(&def.name);
            match &def.kind {
                TypeKind::Enum { variants } => {
                    let v = variants
                        .iter()
                        .find(|v| Some(v.value.as_str()) == value.as_str())?;
                    let vn = ident(&v.name);
                    Some(quote!(crate::types::#name::#vn))
                }
                TypeKind::Consts { base, values } => {
                    let n = value.as_number()?;
                    match values.iter().find(|(_, v)| v == n) {
                        Some((c, _)) => {
                            let c = ident(c);
                            Some(quote!(crate::types::#name::#c))
                        }
                        None => {
                            let lit = number_literal(base, n);
                            Some(quote!(crate::types::#name(#lit)))
                        }
                    }
                }
                TypeKind::Alias(t) => literal(t, value, types),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A number of the contract as a literal of `ty` (`2` for a float is `2.0`).
fn number_literal(ty: &Ty, n: &serde_json::Number) -> TokenStream {
    match (ty, n.as_i64()) {
        (Ty::F64, _) | (_, None) => {
            let f = Literal::f64_unsuffixed(n.as_f64().unwrap_or_default());
            quote!(#f)
        }
        (_, Some(i)) => {
            let i = Literal::i64_unsuffixed(i);
            quote!(#i)
        }
    }
}

fn emit_union(
    owner: TypeId,
    name: &proc_macro2::Ident,
    docs: TokenStream,
    variants: &[UnionVariant],
    discriminator: Option<&str>,
    types: &TypeSpace,
) -> TokenStream {
    let vs = variants.iter().map(|v| {
        let vn = ident(&v.name);
        let mut t = field_tokens(&v.ty, types);
        if needs_box(&v.ty, owner, types) {
            t = quote!(Box<#t>);
        }
        quote!(#vn(#t),)
    });
    let fallback_doc = " An alternative this client does not know, kept as JSON (a later version of this crate may name it: the enum is `#[non_exhaustive]`).";
    let Some(property) = discriminator else {
        return quote! {
            #docs
            #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#vs)*
                #[doc = #fallback_doc]
                Other(serde_json::Value),
            }
        };
    };
    let arms = variants.iter().map(|v| {
        let vn = ident(&v.name);
        let tags = &v.tags;
        quote!(#(Some(#tags))|* => serde_json::from_value(value).map(Self::#vn),)
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#vs)*
            #[doc = #fallback_doc]
            Other(serde_json::Value),
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (tag, value) = bcss_runtime::params::discriminated(deserializer, #property)?;
                match tag.as_deref() {
                    #(#arms)*
                    _ => Ok(Self::Other(value)),
                }
                .map_err(serde::de::Error::custom)
            }
        }
    }
}
