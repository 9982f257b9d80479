//! Types spelled as the generated code spells them (`emit/rust_ty.rs`), short: two type
//! expressions of the two contracts are the same Rust type when they render the same. Named types
//! are compared by their Rust name; what changed inside them is the types' own diff.

use crate::ir::{Body, BodyKind, Operation, RuntimeType, Ty, TypeKind, TypeSpace};

/// The Rust type of `ty`, short (`Vec<Person>`, `NaiveDate`, `Option<String>`).
pub fn ty(t: &Ty, space: &TypeSpace) -> String {
    match t {
        Ty::Binary => "Bytes".into(),
        other => in_json(other, space),
    }
}

/// Inside JSON documents raw bytes are base64 text.
fn in_json(t: &Ty, space: &TypeSpace) -> String {
    match t {
        Ty::String => "String".into(),
        Ty::Bool => "bool".into(),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::Date => "NaiveDate".into(),
        Ty::DateTime => "DateTime<FixedOffset>".into(),
        Ty::Uuid => "Uuid".into(),
        Ty::Decimal => "Decimal".into(),
        Ty::Base64 | Ty::Binary => "Base64".into(),
        Ty::Json => "serde_json::Value".into(),
        Ty::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
        Ty::Vec(inner) => format!("Vec<{}>", in_json(inner, space)),
        Ty::Map(inner) => format!("BTreeMap<String, {}>", in_json(inner, space)),
        Ty::Nullable(inner) => format!("Option<{}>", in_json(inner, space)),
        Ty::Named(id) => space
            .defs
            .get(*id)
            .map_or_else(|| "?".into(), |d| d.name.clone()),
        Ty::Runtime(rt) => match rt {
            RuntimeType::Problem => "Problem".into(),
            RuntimeType::Ssin => "Ssin".into(),
            RuntimeType::LocalizedString => "LocalizedString".into(),
            RuntimeType::HttpLink | RuntimeType::SelfLink => "HttpLink".into(),
        },
    }
}

/// The argument a client method takes for a request body (`emit/client.rs` `emit_method`).
pub fn body(b: &Body, space: &TypeSpace) -> String {
    match (&b.kind, &b.ty) {
        (BodyKind::Multipart, Ty::Json) => "multipart::Form".into(),
        (BodyKind::Bytes, _) => "impl Into<Bytes> + content type".into(),
        (_, t) => ty(t, space),
    }
}

/// What `send()` returns (`emit/answers.rs`): the runtime `Response` when no success answer is
/// documented, the one answer's type, or the operation's response enum (`enum` here: its name
/// follows the operation's, whose renaming is reported on its own).
pub fn output(op: &Operation, space: &TypeSpace) -> String {
    match op.success.as_slice() {
        [] => "bcss_runtime::Response".into(),
        [one] => one
            .ty
            .as_ref()
            .map_or_else(|| "()".into(), |t| ty(t, space)),
        _ => "enum".into(),
    }
}

/// What a named type is, in words.
pub fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "struct",
        TypeKind::Enum { .. } => "string enum",
        TypeKind::Union { .. } => "union",
        TypeKind::Consts { .. } => "integer enum",
        TypeKind::Newtype { .. } => "validated string",
        TypeKind::Alias(_) => "type alias",
    }
}
