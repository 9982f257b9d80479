//! Placeholder: filled by the record-and-replay work.

/// Removes secrets and pseudonymises personal data in recorded exchanges.
#[derive(Debug, Default)]
pub struct Redactor;
