//! How a generated struct is built outside its crate: structs are `#[non_exhaustive]`, so code
//! builds one with `new` (the required properties, in contract order, then a flattened
//! alternative) and `with_…` (each optional one). A property a later contract adds is then a new
//! setter, not a broken struct literal: a compatible upgrade.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust_ty::{field_tokens, ident, needs_box};
use crate::ir::{Field, Ty, TypeId, TypeSpace};

/// Whether `new` takes the field (else a `with_…` setter sets it).
pub fn in_constructor(f: &Field) -> bool {
    f.required && !f.patch_nullable
}

/// Whether the struct can derive `Default` (nothing for `new` to take).
pub fn defaultable(fields: &[Field], flattened: &[(String, Ty)]) -> bool {
    flattened.is_empty() && !fields.iter().any(in_constructor)
}

/// `impl Name { pub fn new(…) -> Self; pub fn with_…(self, …) -> Self … }`.
pub fn constructor(
    owner: TypeId,
    name: &TokenStream,
    fields: &[Field],
    flattened: &[(String, Ty)],
    additional: Option<&Ty>,
    types: &TypeSpace,
) -> TokenStream {
    let boxed = |ty: &Ty| needs_box(ty, owner, types);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for f in fields {
        let field = ident(&f.name);
        let inner = field_tokens(&f.ty, types);
        let wrap = |value: TokenStream| {
            if boxed(&f.ty) {
                quote!(Box::new(#value))
            } else {
                value
            }
        };
        if in_constructor(f) {
            let (param, init) = match (f.nullable, boxed(&f.ty)) {
                (true, true) => (quote!(Option<#inner>), quote!(#field: #field.map(Box::new))),
                (true, false) => (quote!(Option<#inner>), quote!(#field)),
                (false, true) => (quote!(#inner), quote!(#field: Box::new(#field))),
                (false, false) => (quote!(#inner), quote!(#field)),
            };
            params.push(quote!(#field: #param));
            inits.push(init);
            continue;
        }
        inits.push(quote!(#field: None));
        let setter = format_ident!("with_{}", f.name.trim_start_matches("r#"));
        let json = &f.json;
        let (param, doc, value) = if f.patch_nullable {
            let value = if boxed(&f.ty) {
                quote!(value.map(Box::new))
            } else {
                quote!(value)
            };
            (
                quote!(Option<#inner>),
                format!(" Sets `{json}`: `None` sends `null`, which removes it."),
                quote!(Some(#value)),
            )
        } else {
            let value = wrap(quote!(value));
            (
                quote!(#inner),
                format!(" Sets `{json}`."),
                quote!(Some(#value)),
            )
        };
        setters.push(quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: #param) -> Self {
                self.#field = #value;
                self
            }
        });
    }
    for (field, ty) in flattened {
        let field = ident(field);
        let inner = field_tokens(ty, types);
        params.push(quote!(#field: #inner));
        inits.push(if boxed(ty) {
            quote!(#field: Box::new(#field))
        } else {
            quote!(#field)
        });
    }
    if let Some(ty) = additional {
        let value = field_tokens(ty, types);
        inits.push(quote!(additional_properties: std::collections::BTreeMap::new()));
        let taken = fields
            .iter()
            .any(|f| f.name.trim_start_matches("r#") == "additional_property");
        let setter = if taken {
            format_ident!("with_extra_property")
        } else {
            format_ident!("with_additional_property")
        };
        setters.push(quote! {
            /// Adds a property beyond the named ones.
            pub fn #setter(mut self, name: impl Into<String>, value: #value) -> Self {
                self.additional_properties.insert(name.into(), value);
                self
            }
        });
    }
    let doc = if params.is_empty() {
        " A value with every optional property absent (`with_…` sets them)."
    } else {
        " A value with the required properties; the optional ones are absent (`with_…` sets them)."
    };
    quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
        }
    }
}
