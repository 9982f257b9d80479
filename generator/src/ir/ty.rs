//! The type vocabulary of the IR: type expressions ([`Ty`]) and named definitions ([`TypeDef`]).

use crate::load::Loc;

/// Index of a named type in the [`super::TypeSpace`].
pub type TypeId = usize;

/// A type expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64` (never for money: Belgif money is a decimal string).
    F64,
    /// `date` → calendar date.
    Date,
    /// `date-time` → RFC 3339 date-time with offset.
    DateTime,
    /// `uuid`.
    Uuid,
    /// `string` + `format: number`: an exact decimal.
    Decimal,
    /// `format: byte`: base64 in JSON.
    Base64,
    /// `format: binary`: raw bytes (bodies, multipart parts).
    Binary,
    /// Anything (`{}`).
    Json,
    /// `type: object` with nothing said: a JSON object.
    JsonObject,
    /// Array.
    Vec(Box<Ty>),
    /// `additionalProperties` map.
    Map(Box<Ty>),
    /// An array item or map value that may be `null` (`Option`; fields say it themselves).
    Nullable(Box<Ty>),
    /// A generated type.
    Named(TypeId),
    /// A curated type of `bcss-runtime` used instead of generating one.
    Runtime(RuntimeType),
}

/// Belgif common types that `bcss-runtime` provides (so clients share one definition).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuntimeType {
    /// `problem-v1.yaml#/components/schemas/Problem` (and its `allOf` extensions).
    Problem,
    /// `person-identifier-v1.yaml#/components/schemas/Ssin`, with the modulo-97 check.
    Ssin,
    /// `common-v1.yaml#/components/schemas/LocalizedString`.
    LocalizedString,
    /// `common-v1.yaml#/components/schemas/HttpLink`.
    HttpLink,
    /// `common-v1.yaml#/components/schemas/SelfLink`.
    SelfLink,
}

impl RuntimeType {
    /// Recognises a Belgif building block by where it is defined.
    pub fn for_definition(file: &str, pointer: &str) -> Option<RuntimeType> {
        let name = pointer.strip_prefix("/components/schemas/")?;
        let in_belgif = |domain: &str| file.contains(domain);
        match name {
            "Problem" if in_belgif("problem") => Some(Self::Problem),
            "Ssin" if in_belgif("person") => Some(Self::Ssin),
            "LocalizedString" if in_belgif("common") => Some(Self::LocalizedString),
            "HttpLink" if in_belgif("common") => Some(Self::HttpLink),
            "SelfLink" if in_belgif("common") => Some(Self::SelfLink),
            _ => None,
        }
    }
}

/// A named, generated type.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// Rust name (PascalCase, unique).
    pub name: String,
    /// Documentation from `title`/`description`.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Where it is defined.
    pub loc: Loc,
}

/// The shapes a generated type takes.
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// An object.
    Struct {
        /// Properties, in contract order.
        fields: Vec<Field>,
        /// `additionalProperties` beside the properties (`true` is a map of JSON values); absent,
        /// unknown properties are ignored when decoding (Belgif `evo-compat`).
        additional: Option<Ty>,
        /// `oneOf`/`anyOf` beside the properties or inside an `allOf` part: union types whose
        /// properties sit in the same JSON object (`#[serde(flatten)]`), with their field names.
        flattened: Vec<(String, Ty)>,
    },
    /// A string enum; always with an `Unknown(String)` fallback (Belgif `evo-compat`).
    Enum {
        /// Known values.
        variants: Vec<EnumVariant>,
    },
    /// `oneOf`/`anyOf`: one variant per alternative, plus a fallback keeping the raw JSON.
    Union {
        /// Alternatives.
        variants: Vec<UnionVariant>,
        /// Discriminator property, when the contract names one.
        discriminator: Option<String>,
    },
    /// Integer or number `enum`: the base type with one named constant per value; other values
    /// are kept (the API may add values, Belgif `evo-compat`).
    Consts {
        /// `Ty::I32`, `Ty::I64` or `Ty::F64`.
        base: Ty,
        /// Constant name (SCREAMING_SNAKE_CASE) and value.
        values: Vec<(String, serde_json::Number)>,
    },
    /// A string with constraints, validated on construction.
    Newtype {
        /// `Ty::String`, or `Ty::Decimal` for `format: number` (its text is checked).
        base: Ty,
        /// Constraints to check.
        pattern: Option<String>,
        /// Minimum length in characters.
        min_length: Option<u64>,
        /// Maximum length in characters.
        max_length: Option<u64>,
    },
    /// A name for another type.
    Alias(Ty),
}

/// A struct field.
#[derive(Clone, Debug)]
pub struct Field {
    /// Rust name (snake_case, keyword-escaped).
    pub name: String,
    /// JSON name.
    pub json: String,
    /// Its type (without the `Option` that `required` decides).
    pub ty: Ty,
    /// Listed in `required` (and neither readOnly nor writeOnly: those are absent one way).
    pub required: bool,
    /// `nullable` (at the property or on its schema): with `required`, the key must be there and
    /// may hold `null`.
    pub nullable: bool,
    /// The contract's `default`, checked against the type; applied when decoding a missing
    /// field, never sent unasked.
    pub default: Option<serde_json::Value>,
    /// `nullable: true` in a merge-patch body: absent, `null` and a value are three things.
    pub patch_nullable: bool,
    /// Documentation.
    pub doc: Option<String>,
}

/// A string enum value.
#[derive(Clone, Debug)]
pub struct EnumVariant {
    /// Rust name.
    pub name: String,
    /// JSON value.
    pub value: String,
}

/// A union alternative.
#[derive(Clone, Debug)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    /// Its type.
    pub ty: Ty,
    /// Discriminator values that select it.
    pub tags: Vec<String>,
}
