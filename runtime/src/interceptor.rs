//! Hooks a partner registers on a client, run around every attempt sent to BCSS.
//!
//! BCSS partners must keep an audit trail of the consultations they make, with the LegalContext
//! that justified each one; an [`Interceptor`] gets what that trail needs (operation, path,
//! LegalContext, trace ids, status) and can refuse the call: if the trail cannot be written,
//! the consultation is not made.
//!
//! ```
//! use bcss_runtime::interceptor::{Answer, CallInfo, Interceptor, InterceptorError};
//!
//! struct AuditTrail;
//!
//! impl Interceptor for AuditTrail {
//!     fn before_send(&self, call: &CallInfo<'_>, _headers: &mut http::HeaderMap) -> Result<(), InterceptorError> {
//!         // Write "about to consult" to the partner's audit store; an Err stops the call.
//!         let _ = (call.operation_id(), call.legal_context(), call.trace_id());
//!         Ok(())
//!     }
//!     fn after_answer(&self, call: &CallInfo<'_>, answer: &Answer<'_>) {
//!         let _ = (call.trace_id(), answer.status());
//!     }
//! }
//! # let _ = AuditTrail;
//! ```
//! Register it with [`crate::BcssClient::with_interceptor`].

use http::{HeaderMap, Method};

use crate::environment::{Channel, Environment};
use crate::error::Error;
use crate::response::TraceInfo;

/// What an interceptor may want from the partner's own code.
pub type InterceptorError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A hook run around each attempt of each call of the client it is registered on.
pub trait Interceptor: Send + Sync + 'static {
    /// Before an attempt is sent: may add headers, or refuse the call (nothing is sent and the
    /// call fails with [`crate::ErrorKind::Interceptor`]).
    fn before_send(
        &self,
        call: &CallInfo<'_>,
        headers: &mut HeaderMap,
    ) -> Result<(), InterceptorError> {
        let _ = (call, headers);
        Ok(())
    }

    /// After an attempt: the answer, or the error that stopped it.
    fn after_answer(&self, call: &CallInfo<'_>, answer: &Answer<'_>) {
        let _ = (call, answer);
    }
}

/// One attempt of one call, as an interceptor sees it.
///
/// [`CallInfo::path`] and [`CallInfo::body`] are what was sent and may hold personal data
/// (an audit trail needs to know whom was consulted); the rest never does.
#[derive(Debug)]
pub struct CallInfo<'a> {
    pub(crate) operation_id: Option<&'a str>,
    pub(crate) method: &'a Method,
    pub(crate) path_template: &'a str,
    pub(crate) path: &'a str,
    pub(crate) legal_context: Option<&'a str>,
    pub(crate) attempt: u32,
    pub(crate) trace_id: &'a str,
    pub(crate) environment: Environment,
    pub(crate) channel: Channel,
    pub(crate) body: Option<&'a [u8]>,
}

impl<'a> CallInfo<'a> {
    /// The contract's operationId, for calls made through a generated client.
    pub fn operation_id(&self) -> Option<&'a str> {
        self.operation_id
    }
    /// The HTTP method.
    pub fn method(&self) -> &'a Method {
        self.method
    }
    /// The path as the contract writes it (`/persons/{ssin}`): safe to log.
    pub fn path_template(&self) -> &'a str {
        self.path_template
    }
    /// The path sent, parameters filled in: may hold personal data.
    pub fn path(&self) -> &'a str {
        self.path
    }
    /// The LegalContext of the call, where the operation takes one.
    pub fn legal_context(&self) -> Option<&'a str> {
        self.legal_context
    }
    /// The attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
    /// The `BelGov-Trace-Id` sent with this attempt.
    pub fn trace_id(&self) -> &'a str {
        self.trace_id
    }
    /// The environment called.
    pub fn environment(&self) -> Environment {
        self.environment
    }
    /// The channel used.
    pub fn channel(&self) -> Channel {
        self.channel
    }
    /// The request body: may hold personal data.
    pub fn body(&self) -> Option<&'a [u8]> {
        self.body
    }
}

/// How an attempt ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum Answer<'a> {
    /// The gateway answered (any status).
    Response {
        /// HTTP status.
        status: u16,
        /// Trace ids, the gateway's included.
        trace: &'a TraceInfo,
        /// Response headers.
        headers: &'a HeaderMap,
    },
    /// No answer: transport failure, attempt timeout.
    Failed(&'a Error),
}

impl Answer<'_> {
    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Answer::Response { status, .. } => Some(*status),
            Answer::Failed(_) => None,
        }
    }
}
