//! The runtime's one error type, by category. No variant ever holds a token, an assertion or key
//! material: messages are built from status codes, OAuth error codes and server descriptions.

use std::fmt;
use std::time::Duration;

use crate::config::ConfigError;
use crate::identity::IdentityError;
use crate::problem::Problem;
use crate::response::TraceInfo;
use crate::token::TokenError;
use crate::transport::TransportError;

/// An error from a BCSS call or from setting one up.
#[derive(Clone, Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The configuration is incomplete or wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The certificate or key cannot be used.
    #[error("identity: {0}")]
    Identity(#[from] IdentityError),
    /// The connection failed: DNS, connect, TLS handshake, timeout.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// No access token could be obtained.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The API answered with a problem (`application/problem+json`).
    #[error("{status} from {method} {path}: {summary}{hint} [BelGov-Trace-Id {trace}]",
        summary = problem.summary(),
        hint = hint.as_deref().map(|h| format!(" — {h}")).unwrap_or_default(),
        trace = trace.sent)]
    Problem {
        /// HTTP status.
        status: u16,
        /// Method of the request.
        method: String,
        /// Path of the request.
        path: String,
        /// The parsed problem.
        problem: Box<Problem>,
        /// Trace identifiers of the failing attempt.
        trace: TraceInfo,
        /// How long the server asked to wait (429/503), when it said.
        retry_after: Option<Duration>,
        /// What to do about it, where the runtime knows.
        hint: Option<String>,
    },
    /// The API answered with an error status and no problem body.
    #[error("unexpected status {status} from {method} {path}: {body_excerpt} [BelGov-Trace-Id {trace}]", trace = trace.sent)]
    UnexpectedStatus {
        /// HTTP status.
        status: u16,
        /// Method.
        method: String,
        /// Path.
        path: String,
        /// The start of the body, for diagnosis.
        body_excerpt: String,
        /// Trace identifiers.
        trace: TraceInfo,
    },
    /// The response body does not match the expected type.
    #[error("cannot decode the response of {method} {path} at `{json_path}`: {message} [BelGov-Trace-Id {trace}]", trace = trace.sent)]
    Decode {
        /// Method.
        method: String,
        /// Path.
        path: String,
        /// JSON path where decoding failed (`items[3].ssin`).
        json_path: String,
        /// What was wrong.
        message: String,
        /// Trace identifiers.
        trace: TraceInfo,
    },
    /// The request could not be built (bad path, header value, body).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// An [`crate::interceptor::Interceptor`] refused the call before it was sent.
    #[error("refused by an interceptor before sending: {0}")]
    Interceptor(String),
    /// The call failed in a way worth retrying, but this client's retry budget is empty (its
    /// recent calls failed too often): the failure is returned at once. It holds that failure.
    #[error(
        "not retried, the client's retry budget is exhausted (too many recent failures; it refills as calls succeed): {0}"
    )]
    RetryBudgetExhausted(Error),
}

impl Error {
    /// The category and details.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// The failure itself: for [`ErrorKind::RetryBudgetExhausted`], the one that was not
    /// retried; else this error's kind.
    fn cause(&self) -> &ErrorKind {
        match &*self.0 {
            ErrorKind::RetryBudgetExhausted(last) => last.cause(),
            kind => kind,
        }
    }

    /// Whether the call was not retried because the client's retry budget is exhausted.
    pub fn is_retry_budget_exhausted(&self) -> bool {
        matches!(&*self.0, ErrorKind::RetryBudgetExhausted(_))
    }

    /// A short stable name of the category, for logs and metrics (`transport`, `token`,
    /// `problem`, `unexpected_status`, …).
    pub fn category(&self) -> &'static str {
        match &*self.0 {
            ErrorKind::Config(_) => "config",
            ErrorKind::Identity(_) => "identity",
            ErrorKind::Transport(_) => "transport",
            ErrorKind::Token(_) => "token",
            ErrorKind::Problem { .. } => "problem",
            ErrorKind::UnexpectedStatus { .. } => "unexpected_status",
            ErrorKind::Decode { .. } => "decode",
            ErrorKind::InvalidRequest(_) => "invalid_request",
            ErrorKind::Interceptor(_) => "interceptor",
            ErrorKind::RetryBudgetExhausted(_) => "retry_budget_exhausted",
        }
    }

    /// The problem, if the API answered with one.
    pub fn problem(&self) -> Option<&Problem> {
        match self.cause() {
            ErrorKind::Problem { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// The HTTP status of an API answer, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self.cause() {
            ErrorKind::Problem { status, .. } | ErrorKind::UnexpectedStatus { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The trace identifiers of the API answer, if there was one (quote them to the service
    /// desk).
    pub fn trace(&self) -> Option<&TraceInfo> {
        match self.cause() {
            ErrorKind::Problem { trace, .. }
            | ErrorKind::UnexpectedStatus { trace, .. }
            | ErrorKind::Decode { trace, .. } => Some(trace),
            _ => None,
        }
    }

    /// The transport error, if the connection failed.
    pub fn transport(&self) -> Option<&TransportError> {
        match self.cause() {
            ErrorKind::Transport(t) => Some(t),
            _ => None,
        }
    }

    /// The token error, if no token could be obtained.
    pub fn token(&self) -> Option<&TokenError> {
        match &*self.0 {
            ErrorKind::Token(t) => Some(t),
            _ => None,
        }
    }
}

impl<T: Into<ErrorKind>> From<T> for Error {
    fn from(kind: T) -> Self {
        Self(Box::new(kind.into()))
    }
}

/// Text excerpt of a body for error messages: at most `max` characters, one line.
pub(crate) fn excerpt(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    if out.trim().is_empty() {
        "(empty body)".into()
    } else {
        out
    }
}

/// Hint for problems whose remedy is known.
pub(crate) fn problem_hint(problem: &Problem, granted: &[String]) -> Option<String> {
    use crate::problem::ProblemType;
    match problem.problem_type() {
        ProblemType::MissingScope => Some(format!(
            "the operation requires {}; the token carried {}: ask BCSS to grant the scope to this client-id and list it in the partner annex",
            list(&problem.required_scopes),
            list(granted)
        )),
        ProblemType::ResourceNotFound if problem.detail.as_deref().is_some_and(|d| d.contains("not deployed")) => {
            Some("the API is not deployed in this environment; a token that can be obtained already proves the set-up".into())
        }
        _ => None,
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "no scope".into()
    } else {
        items.join(" ")
    }
}

impl fmt::Display for TraceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sent)
    }
}
