//! The `Client` and one request builder per operation. Per-operation code stays thin: parameters,
//! bodies and answers go through `bcss-runtime` helpers, not repeated bodies.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc, doc2};
use super::rust_ty::{ident, tokens};
use crate::annex::Annex;
use crate::ir::{Api, Body, BodyKind, Operation, Param, ParamIn, Ty};

/// `client.rs`: the `Client` type and its methods.
pub fn emit_client(api: &Api, annex: Option<&Annex>) -> TokenStream {
    let base = &api.base_path;
    let scopes: Vec<String> = match annex {
        Some(a) => a.scopes.clone(),
        None => {
            let mut all: Vec<String> = api
                .operations
                .iter()
                .flat_map(|o| o.scopes.clone())
                .collect();
            all.sort();
            all.dedup();
            all
        }
    };
    let contexts: Vec<&str> = annex
        .map(|a| a.legal_contexts.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let default_context = match annex.and_then(|a| {
        a.default_legal_context
            .clone()
            .or_else(|| (a.legal_contexts.len() == 1).then(|| a.legal_contexts[0].clone()))
    }) {
        Some(d) => quote!(Some(#d)),
        None => quote!(None),
    };
    let health_path = base.trim_start_matches('/');
    let methods = api.operations.iter().flat_map(|op| {
        if op.bodies.is_empty() {
            vec![emit_method(op, None, api)]
        } else {
            op.bodies
                .iter()
                .map(|b| emit_method(op, Some(b), api))
                .collect()
        }
    });
    let title_doc = format!(
        " Client of the {} API (contract version {}).",
        api.title, api.version
    );
    quote! {
        use bcss_runtime::{BcssClient, Config, Error, Health};

        #[doc = #title_doc]
        ///
        /// Built from a `bcss-runtime` [`Config`]: environment, channel, certificate and client-id
        /// come from there; the scopes requested default to the partner annex's.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: BcssClient,
            legal_context: Option<String>,
        }

        // Operations take their required parameters as arguments, as many as the contract has.
        #[allow(clippy::too_many_arguments)]
        impl Client {
            /// Path of the API under the gateway (the contract's `servers` URL).
            pub const BASE_PATH: &'static str = #base;
            /// Scopes requested when the configuration names none (the partner annex's).
            pub const SCOPES: &'static [&'static str] = &[#(#scopes),*];
            /// LegalContext values the partner annex authorises (empty: not restricted here).
            pub const LEGAL_CONTEXTS: &'static [&'static str] = &[#(#contexts),*];
            /// The LegalContext used when a call names none.
            pub const DEFAULT_LEGAL_CONTEXT: Option<&'static str> = #default_context;

            /// A client for the environment and channel of `config`.
            pub fn new(config: &Config) -> Result<Self, Error> {
                Ok(Self::from_runtime(BcssClient::new(&with_annex_scopes(config))?))
            }

            /// A client whose requests go to `transport` instead of the network (in tests: the
            /// `testing` feature's fakes, a replayed recording), with the timeouts, retries and
            /// scopes of `config`. No token is obtained.
            pub fn with_transport(
                config: &Config,
                transport: impl bcss_runtime::Transport,
            ) -> Result<Self, Error> {
                Ok(Self::from_runtime(BcssClient::with_transport(&with_annex_scopes(config), transport)?))
            }

            /// Wraps an existing runtime client (sharing its token cache and connections).
            pub fn from_runtime(inner: BcssClient) -> Self {
                Self {
                    inner,
                    legal_context: Self::DEFAULT_LEGAL_CONTEXT.map(str::to_owned),
                }
            }

            /// Uses `value` as LegalContext wherever an operation takes one and the call names none.
            pub fn with_legal_context(mut self, value: impl Into<String>) -> Self {
                self.legal_context = Some(value.into());
                self
            }

            /// The runtime client underneath.
            pub fn runtime(&self) -> &BcssClient {
                &self.inner
            }

            /// `GET /health`: `Up`, `Degraded` or `Down` (a 503 is a valid `Down`).
            pub async fn health(&self) -> Result<Health, Error> {
                self.inner.health(#health_path).await
            }

            #(#methods)*
        }

        /// `config` asking for the annex's scopes when it names none.
        fn with_annex_scopes(config: &Config) -> Config {
            let mut config = config.clone();
            if config.token.scopes.is_empty() {
                config.token.scopes = Client::SCOPES.iter().map(|s| s.to_string()).collect();
            }
            config
        }
    }
}

/// Whether the operation carries a LegalContext (a parameter, or a property of its body).
fn has_legal_context(op: &Operation) -> bool {
    op.params.iter().any(|p| p.legal_context)
        || op.bodies.iter().any(|b| b.legal_context_field.is_some())
}

fn builder_ident(op: &Operation) -> Ident {
    ident(&op.type_name)
}

fn positional(op: &Operation) -> impl Iterator<Item = &Param> {
    let path_order = |p: &&Param| {
        op.path
            .find(&format!("{{{}}}", p.name))
            .unwrap_or(usize::MAX)
    };
    let mut path: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == ParamIn::Path)
        .collect();
    path.sort_by_key(path_order);
    let rest = op
        .params
        .iter()
        .filter(|p| p.location != ParamIn::Path && p.required && !p.legal_context);
    path.into_iter().chain(rest)
}

/// Scalars small enough to pass by value.
fn is_copy(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64 | Ty::Date | Ty::DateTime | Ty::Uuid
    )
}

/// The argument type of a parameter value (`&str` for strings, `T` for small scalars, `&T`
/// otherwise).
fn arg_ty(ty: &Ty, api: &Api) -> TokenStream {
    match ty {
        Ty::String => quote!(&str),
        other if is_copy(other) => tokens(other, &api.types),
        other => {
            let t = tokens(other, &api.types);
            quote!(&#t)
        }
    }
}

fn apply_param(p: &Param, value: TokenStream) -> TokenStream {
    let name = &p.name;
    if p.default_style() {
        return match p.location {
            ParamIn::Path => quote!(.path_param(#name, #value)),
            ParamIn::Query => quote!(.query_param(#name, #value)),
            ParamIn::Header => quote!(.header_param(#name, #value)),
        };
    }
    let style = format_ident!("{}", p.style.variant());
    let style = quote!(bcss_runtime::params::ParamStyle::#style);
    let explode = p.explode;
    match p.location {
        ParamIn::Path => quote!(.path_param_styled(#name, #value, #style, #explode)),
        ParamIn::Query => quote!(.query_param_styled(#name, #value, #style, #explode)),
        ParamIn::Header => quote!(.header_param_styled(#name, #value, #style, #explode)),
    }
}

/// ` Security alternatives: … ` when the contract offers more than one.
fn security_doc(op: &Operation) -> Option<String> {
    if op.security.len() < 2 {
        return None;
    }
    let alternatives: Vec<String> = op
        .security
        .iter()
        .map(|a| {
            if a.is_empty() {
                "(no scope)".to_owned()
            } else {
                format!("`{}`", a.join("` + `"))
            }
        })
        .collect();
    Some(format!(
        " The contract accepts any of these scope sets: {}; this client uses `{}`.",
        alternatives.join(", "),
        op.scopes.join("` + `")
    ))
}

fn emit_method(op: &Operation, body: Option<&Body>, api: &Api) -> TokenStream {
    let fn_name = ident(body.map_or(op.fn_name.as_str(), |b| b.fn_name.as_str()));
    let builder = builder_ident(op);
    let method = format_ident!("{}", op.method);
    let path = format!("{}{}", api.base_path, op.path);
    let mut docs = vec![doc2(op.summary.as_deref(), op.description.as_deref())];
    let endpoint = format!(" `{} {}`", op.method, path);
    docs.push(quote!(#[doc = ""] #[doc = #endpoint]));
    if !op.scopes.is_empty() {
        let s = format!(" Scopes: `{}`.", op.scopes.join("`, `"));
        docs.push(quote!(#[doc = #s]));
    }
    if let Some(s) = security_doc(op) {
        docs.push(quote!(#[doc = #s]));
    }
    if op.bodies.len() > 1
        && let Some(body) = body
    {
        let others: Vec<String> = op
            .bodies
            .iter()
            .filter(|b| b.fn_name != body.fn_name)
            .map(|b| format!("`{}` ([`Client::{}`])", b.media_type, b.fn_name))
            .collect();
        let note = format!(
            " The body is sent as `{}`; the contract also accepts {}.",
            body.media_type,
            others.join(", ")
        );
        docs.push(quote!(#[doc = ""] #[doc = #note]));
    }
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let mut args = Vec::new();
    let mut setup = Vec::new();
    for p in positional(op) {
        let arg = ident(&p.rust);
        let ty = arg_ty(&p.ty, api);
        args.push(quote!(#arg: #ty));
        let value = if is_copy(&p.ty) {
            quote!(&#arg)
        } else {
            quote!(#arg)
        };
        setup.push(apply_param(p, value));
    }
    let mut legal_context = quote!(self.legal_context.clone());
    if let Some(body) = body {
        let media = &body.media_type;
        match (&body.kind, &body.ty) {
            (BodyKind::Multipart, Ty::Json) => {
                args.push(quote!(form: &bcss_runtime::multipart::Form));
                setup.push(quote!(.multipart(form)));
            }
            (BodyKind::Bytes, _) => {
                args.push(quote!(body: impl Into<bcss_runtime::exports::bytes::Bytes>));
                args.push(quote!(content_type: &str));
                setup.push(quote!(.body(body, content_type)));
            }
            (kind, ty) => {
                let t = tokens(ty, &api.types);
                args.push(quote!(body: &#t));
                setup.push(match kind {
                    BodyKind::Json if media == "application/json" => quote!(.json(body)),
                    BodyKind::Form => quote!(.form(body)),
                    BodyKind::Multipart => {
                        let parts = body.parts.iter().map(|p| {
                            let name = &p.name;
                            let binary = p.binary;
                            let content_type = match &p.content_type {
                                Some(t) => quote!(Some(#t)),
                                None => quote!(None),
                            };
                            quote!(bcss_runtime::multipart::PartEncoding { name: #name, binary: #binary, content_type: #content_type })
                        });
                        quote!(.multipart_typed(body, &[#(#parts),*]))
                    }
                    _ => quote!(.json_as(body, #media)),
                });
                if let Some(field) = &body.legal_context_field {
                    legal_context = quote!(bcss_runtime::params::body_legal_context(body, #field));
                }
            }
        }
    }
    let lc_init = has_legal_context(op).then(|| quote!(legal_context: #legal_context,));
    let auth = if op.public {
        quote!(.without_token())
    } else {
        quote!()
    };
    let repeatable =
        (op.method == "POST" && op.path.ends_with("/query")).then(|| quote!(.repeatable()));
    let id = &op.id;
    quote! {
        #(#docs)*
        #deprecated
        pub fn #fn_name(&self, #(#args),*) -> crate::operations::#builder {
            crate::operations::#builder {
                request: self.inner.request(bcss_runtime::exports::http::Method::#method, #path).operation(#id) #(#setup)* #auth #repeatable,
                #lc_init
            }
        }
    }
}

/// `operations.rs`: one builder per operation (optional parameters, LegalContext, `send`) and a
/// response enum where an operation documents several successful answers.
pub fn emit_operations(api: &Api) -> TokenStream {
    let ops = api.operations.iter().map(|op| emit_builder(op, api));
    let uses = (!api.operations.is_empty()).then(|| {
        quote!(
            use bcss_runtime::{ApiResponse, Error};
        )
    });
    quote! {
        //! Request builders, one per operation: set optional parameters, then `send()`.
        #uses
        #(#ops)*
    }
}

fn emit_builder(op: &Operation, api: &Api) -> TokenStream {
    let builder = builder_ident(op);
    let builder_doc = format!(
        " A `{} {}{}` request: set optional parameters, then [`{builder}::send`].",
        op.method, api.base_path, op.path
    );
    let setters = op
        .params
        .iter()
        .filter(|p| !p.required && !p.legal_context)
        .map(|p| {
            let name = ident(&p.rust);
            let ty = match &p.ty {
                Ty::String => quote!(&str),
                other => tokens(other, &api.types),
            };
            let default = p.default.as_ref().map(|v| {
                let v = v
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| v.to_string());
                let text = format!(" Default (server side): `{v}`.");
                quote!(#[doc = ""] #[doc = #text])
            });
            let d = doc(p.doc.as_deref());
            let value = if p.ty == Ty::String {
                quote!(value)
            } else {
                quote!(&value)
            };
            let apply = apply_param(p, value);
            quote! {
                #d
                #default
                pub fn #name(mut self, value: #ty) -> Self {
                    self.request = self.request #apply;
                    self
                }
            }
        });
    let lc_param = op.params.iter().find(|p| p.legal_context);
    let lc_required = lc_param.map(|p| p.required).unwrap_or(false)
        || op.body().is_some_and(|b| b.legal_context_field.is_some());
    let has_lc = has_legal_context(op);
    let lc_setter = lc_param.map(|_| {
        quote! {
            /// The LegalContext of this call (default: the client's, from the partner annex).
            pub fn legal_context(mut self, value: impl Into<String>) -> Self {
                self.legal_context = Some(value.into());
                self
            }
        }
    });
    let lc_check = has_lc.then(|| {
        quote! {
            bcss_runtime::check_legal_context(self.legal_context.as_deref(), crate::Client::LEGAL_CONTEXTS, #lc_required)?;
        }
    });
    let lc_apply = lc_param.map(|p| {
        let apply = apply_param(p, quote!(value));
        quote! {
            if let Some(value) = &self.legal_context {
                request = request #apply;
            }
        }
    });
    let (output, decode, extra) = super::answers::answers(op, api);
    // Without a LegalContext there is nothing to check: the request goes as built.
    let (checked, to_send) = if has_lc {
        (quote!(self.checked()), quote!(self.checked()?))
    } else {
        (quote!(Ok(self.request)), quote!(self.request))
    };
    let lc_field = has_lc.then(|| quote!(pub(crate) legal_context: Option<String>,));
    let checked_fn = has_lc.then(|| {
        quote! {
            /// The request to send, once the LegalContext is checked and placed.
            fn checked(self) -> Result<bcss_runtime::RequestBuilder, Error> {
                #lc_check
                #[allow(unused_mut)]
                let mut request = self.request.audit_legal_context(self.legal_context.as_deref());
                #lc_apply
                Ok(request)
            }
        }
    });
    let pages = paged(op, api).map(|next| {
        let next = ident(&next);
        quote! {
            /// Every page of the collection, following the `next` links (Belgif `col-paging`).
            pub fn pages(self) -> impl bcss_runtime::exports::futures_util::Stream<Item = Result<ApiResponse<#output>, Error>> {
                bcss_runtime::pages::follow(#checked, |page: &#output| page.#next.clone())
            }
        }
    });
    quote! {
        #[doc = #builder_doc]
        #[must_use = "nothing is sent until `send` is called"]
        #[derive(Debug)]
        pub struct #builder {
            pub(crate) request: bcss_runtime::RequestBuilder,
            #lc_field
        }

        impl #builder {
            #(#setters)*
            #lc_setter

            /// Per-call options (timeouts, retries, idempotency, headers, scopes); those set
            /// here win over the client's configuration.
            pub fn with_options(mut self, options: bcss_runtime::CallOptions) -> Self {
                self.request = self.request.with_options(options);
                self
            }

            /// Sends the request.
            pub async fn send(self) -> Result<ApiResponse<#output>, Error> {
                let response = #to_send.send_raw().await?;
                #decode
            }

            #pages
            #checked_fn
        }

        #extra
    }
}

/// The Rust name of the `next` field when the only success answer is a Belgif paged collection.
fn paged(op: &Operation, api: &Api) -> Option<String> {
    let [one] = op.success.as_slice() else {
        return None;
    };
    let Some(Ty::Named(id)) = &one.ty else {
        return None;
    };
    let crate::ir::TypeKind::Struct { fields, .. } = &api.types.defs[*id].kind else {
        return None;
    };
    let has_items = fields
        .iter()
        .any(|f| f.json == "items" && matches!(f.ty, Ty::Vec(_)));
    let next = fields
        .iter()
        .find(|f| f.json == "next" && f.ty == Ty::String && !f.required)?;
    has_items.then(|| next.name.clone())
}
