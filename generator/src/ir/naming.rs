//! Rust names from contract names: heck for the case, keywords escaped, collisions resolved in
//! contract order so that the result is the same on every run.

use std::collections::HashSet;

use heck::{ToPascalCase, ToSnakeCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Names reserved for what every generated crate defines.
const RESERVED_TYPES: &[&str] = &[
    "Serialize",
    "Deserialize",
    "Client",
    "Error",
    "ApiResponse",
    "Result",
    "Option",
    "Vec",
    "String",
    "Box",
    // The std prelude: a generated `Default` or `Clone` would shadow the trait in its module.
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Drop",
    "Eq",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Hash",
    "Into",
    "Iterator",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Send",
    "Sized",
    "Sync",
    "ToOwned",
    "ToString",
    "Unpin",
    "Some",
    "None",
    "Ok",
    "Err",
];

/// Methods of std traits: an inherent method of that name trips clippy's
/// `should_implement_trait` (or shadows the derived `Clone`/`Debug`).
const TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "clone_from",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "fmt",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "ne",
    "neg",
    "next",
    "not",
    "partial_cmp",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// Methods every generated `Client` has besides the operations.
pub const CLIENT_METHODS: &[&str] = &[
    "new",
    "with_transport",
    "from_runtime",
    "with_legal_context",
    "runtime",
    "health",
    "config",
];

/// `name`, or `name_<suffix>` when it is a std trait method's name.
pub fn unreserved(name: &str, suffix: &str) -> String {
    if TRAIT_METHODS.contains(&name) {
        format!("{name}_{suffix}")
    } else {
        name.to_owned()
    }
}

fn clean(raw: &str) -> String {
    let mapped: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    mapped.trim().to_owned()
}

/// `searchPersons` → `search_persons`; keywords get `r#`, leading digits a `_`.
pub fn snake(raw: &str) -> String {
    let mut s = clean(raw).to_snake_case();
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if KEYWORDS.contains(&s.as_str()) {
        // `self`, `Self`, `super`, `crate` cannot be raw identifiers.
        if matches!(s.as_str(), "self" | "super" | "crate") {
            s.push('_');
        } else {
            s.insert_str(0, "r#");
        }
    }
    s
}

/// `person-social-status` → `PersonSocialStatus`.
pub fn pascal(raw: &str) -> String {
    let mut s = clean(raw).to_pascal_case();
    if s.is_empty() {
        s = "Value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// Hands out unique names.
#[derive(Default)]
pub struct Names(HashSet<String>);

impl Names {
    /// Names that generated types must avoid.
    pub fn for_types() -> Self {
        Self(RESERVED_TYPES.iter().map(|s| (*s).to_owned()).collect())
    }

    /// `wanted`, or `wanted2`, `wanted3`… if taken.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.0.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        (2..)
            .map(|n| format!("{wanted}{n}"))
            .find(|c| self.0.insert(c.clone()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_identifiers_and_unique() {
        assert_eq!(snake("searchPersons"), "search_persons");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa-code"), "_2fa_code");
        assert_eq!(pascal("person-social status"), "PersonSocialStatus");
        assert_eq!(pascal("404"), "V404");
        let mut names = Names::for_types();
        assert_eq!(names.claim("Error"), "Error2");
        assert_eq!(names.claim("Person"), "Person");
        assert_eq!(names.claim("Person"), "Person2");
        assert_eq!(unreserved("next", "param"), "next_param");
        assert_eq!(unreserved("page", "param"), "page");
    }
}
