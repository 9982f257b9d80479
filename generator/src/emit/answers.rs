//! The answers of an operation: its output type, the match from status to answer, and the
//! response enum when it documents several.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc2;
use super::rust_ty::{ident, tokens};
use crate::ir::{Answer, Api, Operation, StatusMatch, Ty};

/// The match pattern of an answer's statuses (`200`, `201..=299`): a range leaves out the
/// exact statuses matched before it, so no two arms overlap.
fn status_pattern(a: &Answer, all: &[Answer]) -> TokenStream {
    let (first, last) = a.matches.bounds();
    let exact: Vec<u16> = all
        .iter()
        .filter_map(Answer::status)
        .filter(|s| (first..=last).contains(s) && Some(*s) != a.status())
        .collect();
    let mut pieces = Vec::new();
    let mut start = first;
    for s in exact.iter().copied().chain([last + 1]) {
        if s > start {
            let (lo, hi) = (start, s - 1);
            let lo_lit = proc_macro2::Literal::u16_unsuffixed(lo);
            let hi_lit = proc_macro2::Literal::u16_unsuffixed(hi);
            pieces.push(if lo == hi {
                quote!(#lo_lit)
            } else {
                quote!(#lo_lit..=#hi_lit)
            });
        }
        start = s + 1;
    }
    quote!(#(#pieces)|*)
}

/// How an answer is named in docs: `200`, `2XX`, `default (any 2xx)`.
fn status_label(a: &Answer) -> String {
    match a.matches {
        StatusMatch::Exact(s) => s.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "default (any 2xx status)".into(),
    }
}

/// The output type, the decoding of a response into it, and any response enum.
pub(super) fn answers(op: &Operation, api: &Api) -> (TokenStream, TokenStream, TokenStream) {
    let decode_one = |a: &Answer| -> TokenStream {
        match &a.ty {
            None => quote!(Ok(response.with_value(()))),
            Some(Ty::Binary) => quote!({
                let body = response.body().clone();
                Ok(response.with_value(body))
            }),
            Some(_) => quote!(response.typed()),
        }
    };
    match op.success.as_slice() {
        [] => (
            quote!(bcss_runtime::Response),
            quote!({
                let response = response.error_for_status()?;
                let copy = response.clone();
                Ok(response.with_value(copy))
            }),
            quote!(),
        ),
        [one] => {
            let out = match &one.ty {
                None => quote!(()),
                Some(t) => tokens(t, &api.types),
            };
            let status = status_pattern(one, &op.success);
            let decode = decode_one(one);
            (
                out,
                quote!(match response.status().as_u16() {
                    #status => #decode,
                    _ => Err(response.into_error()),
                }),
                quote!(),
            )
        }
        many => {
            let name = format_ident!("{}Response", op.type_name);
            let doc = format!(
                " The successful answers of `{}`.\n\n A later contract may document more: match with a `_` arm, so that such a version is a compatible upgrade.",
                op.fn_name
            );
            let variants = many.iter().map(|a| {
                let v = ident(&a.name);
                let d = doc2(Some(&status_label(a)), a.doc.as_deref());
                match &a.ty {
                    None => quote!(#d #v,),
                    Some(t) => {
                        let t = tokens(t, &api.types);
                        quote!(#d #v(#t),)
                    }
                }
            });
            let arms = many.iter().map(|a| {
                let v = ident(&a.name);
                let status = status_pattern(a, many);
                match &a.ty {
                    None => quote!(#status => Ok(response.with_value(#name::#v)),),
                    Some(Ty::Binary) => quote!(#status => {
                        let body = response.body().clone();
                        Ok(response.with_value(#name::#v(body)))
                    }),
                    Some(_) => quote!(#status => {
                        let value = response.json()?;
                        Ok(response.with_value(#name::#v(value)))
                    }),
                }
            });
            (
                quote!(#name),
                quote!(match response.status().as_u16() {
                    #(#arms)*
                    _ => Err(response.into_error()),
                }),
                quote! {
                    #[doc = #doc]
                    #[derive(Clone, Debug)]
                    #[non_exhaustive]
                    #[allow(clippy::large_enum_variant, reason = "answers are decoded once and moved, not stored in bulk; boxing would cost every caller a deref")]
                    pub enum #name {
                        #(#variants)*
                    }
                },
            )
        }
    }
}
