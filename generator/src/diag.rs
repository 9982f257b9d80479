//! Diagnostics: every problem with the input names the file, the JSON pointer, what is wrong and
//! what to do. The generator never panics on input; it returns these.

use std::fmt;

/// How bad it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation went on; the output may lack something.
    Warning,
    /// Generation stopped.
    Error,
}

/// A problem with the contract or the annex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the contract's folder where possible.
    pub file: String,
    /// JSON pointer inside the file (`/paths/~1persons/get`), empty for the whole file.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// A short, stable kebab-case name of the kind of problem (`cookie-parameter`,
    /// `openapi-3.1-keyword`…), empty when none was given. Reports group by it, and the corpus
    /// gate records the kinds each contract yields, so a code never changes meaning.
    pub code: &'static str,
}

impl Diagnostic {
    /// An error at `file#pointer`.
    pub fn error(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            pointer: pointer.into(),
            message: message.into(),
            hint: None,
            code: "",
        }
    }

    /// A warning at `file#pointer`.
    pub fn warning(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, pointer, message)
        }
    }

    /// Names the kind of problem (see [`Diagnostic::code`]).
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// Adds what to do.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}")?;
        if !self.code.is_empty() {
            write!(f, "[{}]", self.code)?;
        }
        write!(f, ": {}", self.file)?;
        if !self.pointer.is_empty() {
            write!(f, "#{}", self.pointer)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Escapes one JSON pointer token (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
