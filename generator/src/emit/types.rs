//! Type definitions: structs, enums with an `Unknown` fallback, unions, validating newtypes.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::doc;
use super::rust_ty::{field_tokens, has_float, ident, needs_box};
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
        TypeKind::Struct { fields, additional } => {
            let fields = fields.iter().map(|f| emit_field(id, f, types));
            let extra = additional.as_ref().map(|t| {
                let t = field_tokens(t, types);
                quote! {
                    /// Properties beyond the named ones.
                    #[serde(flatten)]
                    pub additional_properties: std::collections::BTreeMap<String, #t>,
                }
            });
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, #eq Serialize, Deserialize)]
                pub struct #name {
                    #(#fields)*
                    #extra
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
                pub enum #name {
                    #(#vs)*
                    /// A value this client does not know yet: the API may add values (Belgif `evo-compat`).
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

fn emit_field(owner: TypeId, f: &Field, types: &TypeSpace) -> TokenStream {
    let name = ident(&f.name);
    let docs = doc(f.doc.as_deref());
    let mut ty = field_tokens(&f.ty, types);
    if needs_box(&f.ty, owner, types) {
        ty = quote!(Box<#ty>);
    }
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
    if f.required {
        let attr = if rename.is_empty() {
            quote!()
        } else {
            quote!(#[serde(#rename)])
        };
        quote!(#docs #attr pub #name: #ty,)
    } else {
        quote! {
            #docs
            #[serde(#rename default, skip_serializing_if = "Option::is_none")]
            pub #name: Option<#ty>,
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
    let fallback_doc = " An alternative this client does not know, kept as JSON.";
    let Some(property) = discriminator else {
        return quote! {
            #docs
            #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
            #[serde(untagged)]
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
