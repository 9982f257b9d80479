//! Where each named type is used: reachable from a request (parameters, bodies) or from a
//! response (success answers), in either contract. A change to a type that only responses carry
//! is judged for a reader; one that requests carry, for a writer; a type used both ways — or not
//! used by any operation — gets the stricter verdict.

use std::collections::BTreeSet;

use crate::ir::{Api, Ty, TypeKind, TypeSpace};

/// The directions in which a type travels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Used {
    /// Sent by the client (in a request).
    pub request: bool,
    /// Received by the client (in a response).
    pub response: bool,
}

impl Used {
    /// Responses carry it (or nothing says they do not).
    pub fn in_response(self) -> bool {
        self.response || !self.request
    }

    /// Requests carry it (or nothing says it does not).
    pub fn in_request(self) -> bool {
        self.request || !self.response
    }
}

/// The use of every named type, by Rust name, in the old and the new contract together.
#[derive(Debug, Default)]
pub struct Usage {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
}

impl Usage {
    /// Both contracts' uses, merged.
    pub fn of(old: &Api, new: &Api) -> Usage {
        let mut usage = Usage::default();
        for api in [old, new] {
            let (request, response) = roots(api);
            usage.request.extend(reachable(&api.types, request));
            usage.response.extend(reachable(&api.types, response));
        }
        usage
    }

    /// How the type named `name` is used.
    pub fn get(&self, name: &str) -> Used {
        Used {
            request: self.request.contains(name),
            response: self.response.contains(name),
        }
    }
}

/// The types that requests and responses name directly.
fn roots(api: &Api) -> (Vec<&Ty>, Vec<&Ty>) {
    let mut request = Vec::new();
    let mut response = Vec::new();
    for op in &api.operations {
        request.extend(op.params.iter().map(|p| &p.ty));
        request.extend(op.bodies.iter().map(|b| &b.ty));
        response.extend(op.success.iter().filter_map(|a| a.ty.as_ref()));
    }
    (request, response)
}

/// The names of every type reachable from `roots`.
fn reachable(space: &TypeSpace, roots: Vec<&Ty>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut stack: Vec<&Ty> = roots;
    while let Some(t) = stack.pop() {
        match t {
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Nullable(inner) => stack.push(inner),
            Ty::Named(id) => {
                let Some(def) = space.defs.get(*id) else {
                    continue;
                };
                if !seen.insert(*id) {
                    continue;
                }
                names.insert(def.name.clone());
                match &def.kind {
                    TypeKind::Struct {
                        fields,
                        additional,
                        flattened,
                    } => {
                        stack.extend(fields.iter().map(|f| &f.ty));
                        stack.extend(additional.iter());
                        stack.extend(flattened.iter().map(|(_, t)| t));
                    }
                    TypeKind::Union { variants, .. } => {
                        stack.extend(variants.iter().map(|v| &v.ty));
                    }
                    TypeKind::Alias(t) => stack.push(t),
                    TypeKind::Enum { .. } | TypeKind::Consts { .. } | TypeKind::Newtype { .. } => {}
                }
            }
            _ => {}
        }
    }
    names
}
