//! Where a converted or normalised part of a document came from, so that diagnostics name the
//! place in the file the partner was given.

/// Pairs (converted pointer prefix, original pointer prefix). A pointer of the converted
/// document maps back through its longest matching prefix; no match means it did not move.
#[derive(Clone, Debug, Default)]
pub struct Origin(Vec<(String, String)>);

impl Origin {
    /// Records that `converted` (and what lies below it) came from `original`.
    pub fn add(&mut self, converted: impl Into<String>, original: impl Into<String>) {
        self.0.push((converted.into(), original.into()));
    }

    /// The original pointer of `pointer`.
    pub fn original(&self, pointer: &str) -> String {
        let best = self
            .0
            .iter()
            .filter(|(c, _)| {
                pointer
                    .strip_prefix(c.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|(c, _)| c.len());
        match best {
            Some((c, o)) => format!("{o}{}", &pointer[c.len()..]),
            None => pointer.to_owned(),
        }
    }
}
