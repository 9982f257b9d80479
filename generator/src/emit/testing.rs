//! `testing.rs` (the crate's `testing` feature): `OPERATIONS` and `Fakes`, one typed
//! `OperationFake` per operation over `bcss_runtime::testing::FakeGateway`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc;
use super::rust_ty::{ident, tokens};
use crate::ir::{Api, BodyKind, Operation, Ty};

/// Methods every generated `Fakes` has besides the operations.
pub const FAKES_METHODS: &[&str] = &[
    "new",
    "default",
    "client",
    "client_with",
    "gateway",
    "allow_unmatched",
];

/// The `Fakes` method of each operation, in the client's order: the client's method name, or
/// `<name>_fake` where that is one of [`FAKES_METHODS`] (numbered if even that is taken).
pub fn fake_names(api: &Api) -> Vec<String> {
    let mut taken: Vec<String> = FAKES_METHODS.iter().map(|m| (*m).to_owned()).collect();
    taken.extend(api.operations.iter().map(|o| o.fn_name.clone()));
    api.operations
        .iter()
        .map(|op| {
            if !FAKES_METHODS.contains(&op.fn_name.as_str()) {
                return op.fn_name.clone();
            }
            let base = format!("{}_fake", op.fn_name);
            let name = std::iter::once(base.clone())
                .chain((2..).map(|n| format!("{base}{n}")))
                .find(|c| !taken.contains(c))
                .unwrap_or(base);
            taken.push(name.clone());
            name
        })
        .collect()
}

/// What a fake answers with `returns`: the type of the first success answer with a JSON body
/// and its status; `()` and the first success status when none has one (binary answers are
/// scripted with `reply`).
fn success(op: &Operation, api: &Api) -> (TokenStream, u16, bool) {
    let json = op
        .success
        .iter()
        .find(|a| a.ty.as_ref().is_some_and(|t| *t != Ty::Binary));
    match json {
        Some(a) => {
            let ty = a.ty.as_ref().map(|t| tokens(t, &api.types));
            (quote!(#ty), a.matches.typical(), true)
        }
        None => {
            let status = op.success.first().map_or(200, |a| a.matches.typical());
            (quote!(()), status, false)
        }
    }
}

/// The request body type `bodies()` decodes: the preferred body when it is JSON.
fn body(op: &Operation, api: &Api) -> TokenStream {
    match op.body() {
        Some(b) if matches!(b.kind, BodyKind::Json | BodyKind::MergePatch) => {
            tokens(&b.ty, &api.types)
        }
        _ => quote!(()),
    }
}

/// `src/testing.rs`.
pub fn emit(api: &Api, krate: &str) -> TokenStream {
    let names = fake_names(api);
    let operations = api.operations.iter().zip(&names).map(|(op, fake)| {
        let id = &op.id;
        let method = &op.method;
        let path = format!("{}{}", api.base_path, op.path);
        quote!(FakeOperation { id: #id, method: #method, path: #path, fake: #fake })
    });
    let methods = api
        .operations
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(index, (op, fake))| {
            let name = ident(fake);
            let (t, status, json) = success(op, api);
            let b = body(op, api);
            let status = proc_macro2::Literal::u16_unsuffixed(status);
            let index = proc_macro2::Literal::usize_unsuffixed(index);
            let summary = doc(Some(op.summary.as_deref().unwrap_or(&op.id)));
            let endpoint = format!(" `{} {}{}`", op.method, api.base_path, op.path);
            let binary = (!json && op.success.iter().any(|a| a.ty.is_some())).then(
                || quote!(#[doc = ""] #[doc = " Its answer is raw bytes: script it with `reply`."]),
            );
            quote! {
                #summary
                #[doc = ""]
                #[doc = #endpoint]
                #binary
                #[must_use = "a fake does nothing until an answer is scripted or its requests read"]
                pub fn #name(&self) -> OperationFake<'_, #t, #b> {
                    self.gateway.operation(OPERATIONS[#index], #status)
                }
            }
        });
    // A contract of types only (Belgif building blocks) has no operation to fake.
    let operation_fake = (!api.operations.is_empty()).then(|| {
        quote!(
            use bcss_runtime::testing::OperationFake;
        )
    });
    let module_doc = module_doc(api, krate, &names);
    quote! {
        #(#module_doc)*
        #![warn(missing_docs)]

        use bcss_runtime::testing::{FakeGateway, FakeOperation};
        #operation_fake
        use bcss_runtime::{Config, Error};

        /// Every operation of the client, in its order, as the fake gateway knows them.
        pub const OPERATIONS: &[FakeOperation] = &[#(#operations),*];

        /// In-memory fakes of every operation: script answers, build [`Fakes::client`], then
        /// read what was sent. Dropping it fails the test if a request found no answer.
        #[derive(Debug)]
        pub struct Fakes {
            gateway: FakeGateway,
        }

        impl Default for Fakes {
            fn default() -> Self {
                Self::new()
            }
        }

        impl Fakes {
            /// Fakes with no answer scripted yet.
            pub fn new() -> Self {
                Self { gateway: FakeGateway::new(OPERATIONS) }
            }

            /// A client on these fakes, with the test configuration
            /// ([`bcss_runtime::testing::in_memory_config`]): see [`Fakes::client_with`].
            pub fn client(&self) -> crate::Client {
                // The in-memory configuration has no value that can fail.
                self.client_with(&bcss_runtime::testing::in_memory_config())
                    .unwrap_or_else(|e| unreachable!("the in-memory configuration is valid: {e}"))
            }

            /// A client on these fakes with the timeouts, retries and scopes of `config`
            /// ([`crate::Client::with_transport`]: the annex's scopes when it names none, the
            /// default LegalContext). No token is obtained, no socket opened.
            pub fn client_with(&self, config: &Config) -> Result<crate::Client, Error> {
                crate::Client::with_transport(config, self.gateway.transport())
            }

            /// The untyped gateway underneath (every request sent, hand-written answers).
            pub fn gateway(&self) -> &FakeGateway {
                &self.gateway
            }

            /// Lets requests without an answer pass (each still gets an error) instead of
            /// failing the test when the fakes are dropped.
            pub fn allow_unmatched(self) -> Self {
                Self { gateway: self.gateway.allow_unmatched() }
            }

            #(#methods)*
        }
    }
}

/// The module's docs, with an example on the first operation that answers a JSON value (an
/// authenticated one if there is one).
fn module_doc(api: &Api, krate: &str, names: &[String]) -> Vec<TokenStream> {
    let mut text = String::from(
        "In-memory fakes of this client for the partner's tests (feature `testing`): script what \
         each\noperation answers, run the code under test on [`Fakes::client`], then check what \
         it sent.\nNo token is obtained and no socket opened.\n",
    );
    let typed: Vec<(usize, String)> = api
        .operations
        .iter()
        .enumerate()
        .filter_map(|(i, op)| {
            let (t, _, json) = success(op, api);
            json.then(|| {
                (
                    i,
                    t.to_string()
                        .replace(' ', "")
                        .replace("crate::", &format!("{krate}::")),
                )
            })
        })
        .collect();
    let example = typed
        .iter()
        .find(|(i, _)| !api.operations[*i].public)
        .or(typed.first());
    if let Some((i, ty)) = example {
        let fake = &names[*i];
        let call = &api.operations[*i].fn_name;
        text.push_str(&format!(
            "\n```no_run\n# fn example(value: {ty}) {{\nuse {krate}::testing::Fakes;\n\n\
             let fakes = Fakes::new();\nfakes.{fake}().returns(&value);\nlet client = fakes.client();\n\
             // … the code under test calls `client.{call}(…).send().await` …\n\
             assert_eq!(fakes.{fake}().calls(), 1);\n# }}\n```\n"
        ));
    }
    text.lines()
        .map(|l| {
            let l = format!(" {l}");
            quote!(#![doc = #l])
        })
        .collect()
}
