//! Scripted answers per operation, and the requests that reached them.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::future::BoxFuture;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::problem::Problem;
use crate::transport::{
    Transport, TransportError, TransportErrorKind, TransportRequest, TransportResponse,
};
use crate::{BcssClient, Config, Error};

use super::SentRequest;

/// An operation of a generated client, as its fakes know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FakeOperation {
    /// The contract's operationId.
    pub id: &'static str,
    /// The method.
    pub method: &'static str,
    /// The path template under the gateway.
    pub path: &'static str,
    /// The method of the generated `Fakes` that scripts it.
    pub fake: &'static str,
}

/// What the fake gateway does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Answers (status, headers, body).
    Answer(TransportResponse),
    /// Fails at the connection level, as the network would.
    Fault(Fault),
}

/// A connection-level failure the fake gateway can simulate. The client treats it as it would a
/// real one: an idempotent call is retried (with the production back-off: pause tokio's clock
/// in such tests, `#[tokio::test(start_paused = true)]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// No answer within the attempt's timeout (returned at once: no time passes).
    Timeout,
    /// The connection was closed before a complete answer.
    ConnectionClosed,
    /// Nothing accepted the connection.
    ConnectionRefused,
    /// The gateway never answers: the call's attempt timeout (or total timeout) cuts it, as it
    /// would a silent server — in a test with tokio's clock paused, at once.
    NoAnswer,
}

impl Fault {
    fn error(self) -> TransportError {
        let (kind, message) = match self {
            // `NoAnswer` never gets here: the transport waits until the client gives up.
            Self::Timeout | Self::NoAnswer => {
                (TransportErrorKind::Timeout, "timed out (simulated)")
            }
            Self::ConnectionClosed => (
                TransportErrorKind::ConnectionClosed,
                "connection closed before a complete answer (simulated)",
            ),
            Self::ConnectionRefused => (
                TransportErrorKind::ConnectionRefused,
                "connection refused (simulated)",
            ),
        };
        TransportError {
            kind,
            url: String::new(),
            message: message.into(),
            hint: "a fault scripted by the test".into(),
        }
    }
}

/// The script: answers per operation, and what was sent.
#[derive(Default)]
struct Script {
    operations: Vec<FakeOperation>,
    /// Answers still to give, per operation id (or `METHOD template` for hand-written calls).
    queued: HashMap<String, VecDeque<Reply>>,
    /// The last answer given per operation, repeated once the queue is empty.
    last: HashMap<String, Reply>,
    sent: Vec<SentRequest>,
    unmatched: Vec<String>,
}

/// The transport end of a [`FakeGateway`], handed to the client.
#[derive(Clone)]
pub struct FakeTransport {
    script: Arc<Mutex<Script>>,
}

impl Transport for FakeTransport {
    fn send(
        &self,
        request: TransportRequest,
    ) -> BoxFuture<'_, Result<TransportResponse, TransportError>> {
        let reply = self.answer(&request);
        Box::pin(async move {
            match reply {
                Ok(Reply::Answer(answer)) => Ok(answer),
                Ok(Reply::Fault(Fault::NoAnswer)) => std::future::pending().await,
                Ok(Reply::Fault(fault)) => Err(fault.error()),
                Err(message) => Err(TransportError {
                    kind: TransportErrorKind::Other,
                    url: String::new(),
                    message,
                    hint: "the fake gateway answers only what the test scripted".into(),
                }),
            }
        })
    }
}

impl FakeTransport {
    fn answer(&self, request: &TransportRequest) -> Result<Reply, String> {
        let mut script = self.script.lock().unwrap_or_else(PoisonError::into_inner);
        script.sent.push(SentRequest::from_transport(request));
        let key = key_of(request.operation, &request.method, &request.path_template);
        let next = script.queued.get_mut(&key).and_then(VecDeque::pop_front);
        if let Some(reply) = next {
            script.last.insert(key, reply.clone());
            return Ok(reply);
        }
        if let Some(reply) = script.last.get(&key) {
            return Ok(reply.clone());
        }
        let message = script.unscripted(request);
        script.unmatched.push(message.clone());
        Err(message)
    }
}

impl Script {
    fn unscripted(&self, request: &TransportRequest) -> String {
        let what = format!("{} {}", request.method, request.path_template);
        let key = key_of(request.operation, &request.method, &request.path_template);
        let label = match request.operation {
            Some(id) => format!("operation `{id}` ({what})"),
            None => what,
        };
        let mut scripted: Vec<&str> = self
            .queued
            .keys()
            .chain(self.last.keys())
            .map(String::as_str)
            .collect();
        scripted.sort_unstable();
        scripted.dedup();
        let scripted = if scripted.is_empty() {
            "none".to_owned()
        } else {
            scripted.join(", ")
        };
        let how = match self.operations.iter().find(|o| o.id == key) {
            Some(op) => format!(
                "`fakes.{}().returns(…)` (or `.status(…)`, `.problem(…)`, `.fault(…)`)",
                op.fake
            ),
            None => format!("`FakeGateway::reply_to(\"{key}\", …)`"),
        };
        format!(
            "the fake gateway has no answer for {label}: script one with {how}; operations with answers: {scripted}"
        )
    }
}

fn key_of(operation: Option<&str>, method: &Method, template: &str) -> String {
    match operation {
        Some(id) => id.to_owned(),
        None => format!("{method} {template}"),
    }
}

/// An in-memory gateway for tests: answers what the test scripts, records what was sent, and
/// fails the test (when dropped) if a request found no answer — even if the code under test
/// swallowed the error it got.
///
/// Answers for one operation are given in the order they were scripted; the last one is then
/// repeated.
pub struct FakeGateway {
    transport: FakeTransport,
    checked: bool,
}

impl Default for FakeGateway {
    fn default() -> Self {
        Self::new(&[])
    }
}

impl fmt::Debug for FakeGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeGateway")
            .field("sent", &self.lock().sent.len())
            .finish_non_exhaustive()
    }
}

impl FakeGateway {
    /// A gateway for a client with these operations (a generated `Fakes` passes its own).
    pub fn new(operations: &[FakeOperation]) -> Self {
        let script = Script {
            operations: operations.to_vec(),
            ..Script::default()
        };
        Self {
            transport: FakeTransport {
                script: Arc::new(Mutex::new(script)),
            },
            checked: true,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        self.transport
            .script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The transport to build a client on ([`BcssClient::with_transport`]).
    pub fn transport(&self) -> FakeTransport {
        self.transport.clone()
    }

    /// A runtime client on this gateway, with [`super::in_memory_config`].
    pub fn client(&self) -> BcssClient {
        super::in_memory_client(self.transport())
    }

    /// A runtime client on this gateway with the environment, timeouts, retries and scopes of
    /// `config` (its identity is not read).
    pub fn client_with(&self, config: &Config) -> Result<BcssClient, Error> {
        BcssClient::with_transport(config, self.transport())
    }

    /// Queues `reply` for `operation`: an operationId, or `METHOD /path/template` for a
    /// hand-written request.
    pub fn reply_to(&self, operation: &str, reply: Reply) -> &Self {
        self.lock()
            .queued
            .entry(operation.to_owned())
            .or_default()
            .push_back(reply);
        self
    }

    /// Every attempt that reached the gateway, in order.
    pub fn sent(&self) -> Vec<SentRequest> {
        self.lock().sent.clone()
    }

    /// The attempts of one operation, in order.
    pub fn sent_to(&self, operation: &str) -> Vec<SentRequest> {
        self.lock()
            .sent
            .iter()
            .filter(|r| key_of(r.operation, &r.method, &r.path_template) == operation)
            .cloned()
            .collect()
    }

    /// The requests that found no answer, each with its explanation.
    pub fn unmatched(&self) -> Vec<String> {
        self.lock().unmatched.clone()
    }

    /// Fails (returns the explanations) if a request found no answer.
    pub fn verify(&self) -> Result<(), String> {
        let unmatched = self.unmatched();
        if unmatched.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} request(s) reached the fake gateway without a scripted answer:\n- {}",
                unmatched.len(),
                unmatched.join("\n- ")
            ))
        }
    }

    /// Lets requests without an answer pass (each still gets an error) instead of failing
    /// the test when the gateway is dropped.
    pub fn allow_unmatched(mut self) -> Self {
        self.checked = false;
        self
    }

    /// A typed handle on one operation (what a generated `Fakes` returns): `T` is the
    /// operation's success value, `B` its request body.
    #[must_use = "an operation fake does nothing until an answer is scripted or its requests read"]
    pub fn operation<T, B>(
        &self,
        operation: FakeOperation,
        success: u16,
    ) -> OperationFake<'_, T, B> {
        OperationFake {
            gateway: self,
            operation,
            success,
            types: PhantomData,
        }
    }
}

impl Drop for FakeGateway {
    fn drop(&mut self) {
        if self.checked
            && !std::thread::panicking()
            && let Err(message) = self.verify()
        {
            panic!("{message}");
        }
    }
}

/// One operation of a [`FakeGateway`], typed by its success value `T` and its request body
/// `B` (`()` when it has none).
// `must_use` is on what hands one out, not on the type: the scripting methods return it too,
// and `fakes.op().returns(&value);` must not warn.
pub struct OperationFake<'a, T, B = ()> {
    gateway: &'a FakeGateway,
    operation: FakeOperation,
    success: u16,
    types: PhantomData<fn(T) -> B>,
}

impl<T, B> fmt::Debug for OperationFake<'_, T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationFake")
            .field("operation", &self.operation.id)
            .finish()
    }
}

impl<T: Serialize, B: DeserializeOwned> OperationFake<'_, T, B> {
    /// Answers the operation's success status with `value` as JSON.
    pub fn returns(self, value: &T) -> Self {
        let status = self.success;
        self.returns_status(status, value)
    }

    /// Answers `status` with `value` as JSON.
    pub fn returns_status(self, status: u16, value: &T) -> Self {
        let body = self.json(value);
        self.reply(answer(status, Some("application/json"), body))
    }

    fn json(&self, value: &T) -> Vec<u8> {
        serde_json::to_vec(value).unwrap_or_else(|e| {
            panic!(
                "the value scripted for `{}` cannot be written as JSON: {e}",
                self.operation.id
            )
        })
    }

    /// Answers the operation's success status with `value` as JSON and these headers
    /// (`ETag`, `Location`…).
    pub fn returns_with_headers(self, value: &T, headers: &[(&str, &str)]) -> Self {
        let body = self.json(value);
        let mut reply = answer(self.success, Some("application/json"), body);
        if let Reply::Answer(response) = &mut reply {
            for (name, value) in headers {
                match (
                    http::HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_str(value),
                ) {
                    (Ok(n), Ok(v)) => {
                        response.headers.append(n, v);
                    }
                    _ => panic!("`{name}: {value}` is not a valid header"),
                }
            }
        }
        self.reply(reply)
    }

    /// Answers `status` with no body (`304`, `204`, a bare `503`).
    pub fn status(self, status: u16) -> Self {
        self.reply(answer(status, None, Vec::new()))
    }

    /// Answers a Belgif problem (`application/problem+json`), with the problem's `status`
    /// (500 when it has none).
    pub fn problem(self, problem: Problem) -> Self {
        let status = problem.status.unwrap_or(500);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        self.reply(answer(status, Some("application/problem+json"), body))
    }

    /// Fails at the connection level.
    pub fn fault(self, fault: Fault) -> Self {
        self.reply(Reply::Fault(fault))
    }

    /// Any answer, headers included.
    pub fn reply(self, reply: Reply) -> Self {
        self.gateway.reply_to(self.operation.id, reply);
        self
    }

    /// The attempts that reached this operation, in order.
    pub fn requests(&self) -> Vec<SentRequest> {
        self.gateway.sent_to(self.operation.id)
    }

    /// How many attempts reached this operation (retries count).
    pub fn calls(&self) -> usize {
        self.requests().len()
    }

    /// The request bodies sent, decoded (panics, naming the operation, on one that is not a
    /// `B`: the test then fails where it reads them).
    pub fn bodies(&self) -> Vec<B> {
        self.requests()
            .iter()
            .map(|r| {
                r.json().unwrap_or_else(|e| {
                    panic!(
                        "a body sent to `{}` is not its request type: {e}",
                        self.operation.id
                    )
                })
            })
            .collect()
    }
}

fn answer(status: u16, content_type: Option<&'static str>, body: Vec<u8>) -> Reply {
    let mut response = TransportResponse::new(
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    );
    if let Some(ct) = content_type {
        response
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    Reply::Answer(response)
}
