//! Replaying a recording: each live request, redacted the same way, is answered by the first
//! unused recorded exchange it matches.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::future::BoxFuture;

use super::matching::{Shape, Stage, compare};
use super::recording::{RecordedExchange, kind_of};
use super::redact::{GATEWAY, Redactor, gateway_of};
use super::{Recording, RecordingError};
use crate::transport::{
    Transport, TransportError, TransportErrorKind, TransportRequest, TransportResponse,
};
use crate::{BcssClient, Config, Error};

/// A client answered from the recording at `path` (with [`super::in_memory_config`]), and the
/// replayer's handle (keep it alive for the test: it checks on drop).
pub fn replay(path: impl AsRef<Path>) -> Result<(BcssClient, Replayer), RecordingError> {
    let replayer = Replayer::load(path)?;
    Ok((replayer.client(), replayer))
}

struct State {
    source: String,
    redactor: Redactor,
    exchanges: Vec<RecordedExchange>,
    shapes: Vec<Shape>,
    used: Vec<bool>,
    /// Live SSIN → recorded pseudonym, for the whole session. Real SSINs: never printed.
    bound: HashMap<String, String>,
    /// Recorded pseudonym → live SSIN.
    taken: HashMap<String, String>,
    unmatched: Vec<String>,
}

/// The transport end of a [`Replayer`], handed to the client.
#[derive(Clone)]
pub struct ReplayTransport {
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for ReplayTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayTransport").finish_non_exhaustive()
    }
}

impl Transport for ReplayTransport {
    fn send(
        &self,
        request: TransportRequest,
    ) -> BoxFuture<'_, Result<TransportResponse, TransportError>> {
        let answer = self.answer(&request);
        Box::pin(async move { answer })
    }
}

impl ReplayTransport {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn answer(&self, request: &TransportRequest) -> Result<TransportResponse, TransportError> {
        let mut state = self.lock();
        let state = &mut *state;
        let live = Shape::live(request, &state.redactor, &state.bound);
        let operation = request.operation.map(str::to_owned);
        let method = request.method.as_str();
        let mut closest: Option<(Stage, usize, String)> = None;
        let mut same_call = 0;
        for i in 0..state.exchanges.len() {
            let x = &state.exchanges[i];
            let same = x.operation == operation
                && x.request.method == method
                && (operation.is_some() || x.template == request.path_template);
            if !same {
                continue;
            }
            same_call += 1;
            if state.used[i] {
                continue;
            }
            match compare(&live, &state.shapes[i], &state.bound, &state.taken) {
                Ok(bindings) => {
                    state.used[i] = true;
                    for (real, pseudonym) in bindings {
                        state.taken.insert(pseudonym.clone(), real.clone());
                        state.bound.insert(real, pseudonym);
                    }
                    return replayed(x, request);
                }
                Err((stage, why)) => {
                    if closest.as_ref().is_none_or(|(s, _, _)| stage > *s) {
                        closest = Some((stage, i, why));
                    }
                }
            }
        }
        let message = state.unmatched_message(request, same_call, closest);
        state.unmatched.push(message.clone());
        Err(TransportError {
            kind: TransportErrorKind::Other,
            url: request.path_template.clone(),
            message,
            hint: "the replayer answers only the requests of the recorded session".into(),
        })
    }
}

fn replayed(
    exchange: &RecordedExchange,
    request: &TransportRequest,
) -> Result<TransportResponse, TransportError> {
    match (&exchange.response, &exchange.fault) {
        (Some(response), _) => {
            let mut answer = response.to_transport();
            if let Some(gateway) = gateway_of(request) {
                relink(&mut answer, &gateway);
            }
            Ok(answer)
        }
        (None, Some(fault)) => Err(TransportError {
            kind: kind_of(&fault.kind).unwrap_or(TransportErrorKind::Other),
            url: request.path_template.clone(),
            message: fault.message.clone(),
            hint: fault.hint.clone(),
        }),
        // A loaded recording has one of them (checked by `Recording::parse`).
        (None, None) => Err(TransportError {
            kind: TransportErrorKind::Other,
            url: request.path_template.clone(),
            message: "the recorded exchange has neither a response nor a fault".into(),
            hint: "record the session again".into(),
        }),
    }
}

/// Links recorded on [`GATEWAY`] point to the replaying client's gateway, as live ones would.
fn relink(answer: &mut TransportResponse, gateway: &str) {
    if let Ok(text) = std::str::from_utf8(&answer.body)
        && text.contains(GATEWAY)
    {
        answer.body = text.replace(GATEWAY, gateway).into();
    }
    for value in answer.headers.values_mut() {
        if let Ok(text) = value.to_str()
            && text.contains(GATEWAY)
            && let Ok(v) = http::HeaderValue::from_str(&text.replace(GATEWAY, gateway))
        {
            *value = v;
        }
    }
}

impl State {
    fn unmatched_message(
        &self,
        request: &TransportRequest,
        same_call: usize,
        closest: Option<(Stage, usize, String)>,
    ) -> String {
        let what = format!("{} {}", request.method, request.path_template);
        let label = match request.operation {
            Some(id) => format!("operation `{id}` ({what})"),
            None => what,
        };
        let why = match closest {
            Some((_, i, why)) => {
                format!("the closest recorded one (/exchanges/{i}) differs: {why}")
            }
            None if same_call > 0 => format!(
                "its {same_call} recorded exchange(s) were all replayed already: the code under test sends more requests than the recorded session did"
            ),
            None => {
                let mut recorded: Vec<String> = self
                    .exchanges
                    .iter()
                    .map(|x| {
                        x.operation
                            .clone()
                            .unwrap_or_else(|| format!("{} {}", x.request.method, x.template))
                    })
                    .collect();
                recorded.sort_unstable();
                recorded.dedup();
                format!(
                    "the recording has none for it (recorded: {})",
                    recorded.join(", ")
                )
            }
        };
        format!(
            "replay of `{}`: no recorded exchange for {label}, attempt {}: {why}. If the code under test changed on purpose, record the session again (`bcss_runtime::testing::record`, against the sandbox or acceptance) and review the new file",
            self.source, request.attempt
        )
    }
}

/// A recording replayed as a gateway: answers each request with the recorded answer (or
/// fault) of the first unused exchange it matches, in order — a retried call replays its
/// attempts.
///
/// A live request matches when, redacted as the recorder did (same [`Redactor`] settings), its
/// operation, method, path, query, headers and body (JSON compared as values) are the
/// recorded ones.
/// Headers are compared by name and value, trace context (`BelGov-Trace-Id`, `traceparent`…)
/// aside. SSINs match by binding: a real SSIN binds to the recorded pseudonym at the same
/// place, and must then stay bound to it for the session; a pseudonym (the code got it from a
/// replayed answer) matches itself.
///
/// Like [`super::FakeGateway`], dropping the replayer fails the test if a request matched
/// nothing, even if the code under test swallowed the error it got.
pub struct Replayer {
    transport: ReplayTransport,
    checked: bool,
}

impl fmt::Debug for Replayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.transport.lock();
        f.debug_struct("Replayer")
            .field("source", &state.source)
            .field("exchanges", &state.exchanges.len())
            .field("replayed", &state.used.iter().filter(|u| **u).count())
            .finish_non_exhaustive()
    }
}

impl Replayer {
    /// Loads the recording at `path`, for live requests redacted with the default
    /// [`Redactor`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self, RecordingError> {
        Self::load_with(path, Redactor::new())
    }

    /// Loads the recording at `path`; `redactor` must have the settings it was recorded with.
    pub fn load_with(path: impl AsRef<Path>, redactor: Redactor) -> Result<Self, RecordingError> {
        let path = path.as_ref();
        let recording = Recording::load(path)?;
        Ok(Self::build(recording, redactor, path.display().to_string()))
    }

    /// Replays a recording already in memory ([`super::Recorder::recording`]).
    pub fn from_recording(recording: Recording, redactor: Redactor) -> Self {
        Self::build(recording, redactor, "<in memory>".into())
    }

    fn build(recording: Recording, redactor: Redactor, source: String) -> Self {
        let shapes = recording
            .exchanges
            .iter()
            .map(|x| Shape::recorded(&x.request, &redactor))
            .collect();
        let used = vec![false; recording.exchanges.len()];
        Self {
            transport: ReplayTransport {
                state: Arc::new(Mutex::new(State {
                    source,
                    redactor,
                    exchanges: recording.exchanges,
                    shapes,
                    used,
                    bound: HashMap::new(),
                    taken: HashMap::new(),
                    unmatched: Vec::new(),
                })),
            },
            checked: true,
        }
    }

    /// The transport to build a client on ([`BcssClient::with_transport`]).
    pub fn transport(&self) -> ReplayTransport {
        self.transport.clone()
    }

    /// A runtime client on this recording, with [`super::in_memory_config`]. A generated
    /// client: `Client::from_runtime(replayer.client())`.
    pub fn client(&self) -> BcssClient {
        super::in_memory_client(self.transport())
    }

    /// A runtime client on this recording with the timeouts, retries and scopes of `config`.
    pub fn client_with(&self, config: &Config) -> Result<BcssClient, Error> {
        BcssClient::with_transport(config, self.transport())
    }

    /// The requests that matched nothing, each with its explanation.
    pub fn unmatched(&self) -> Vec<String> {
        self.transport.lock().unmatched.clone()
    }

    /// The recorded exchanges not replayed (yet), as `/exchanges/i: operation, attempt n`.
    pub fn unused(&self) -> Vec<String> {
        let state = self.transport.lock();
        state
            .exchanges
            .iter()
            .zip(&state.used)
            .enumerate()
            .filter(|(_, (_, used))| !**used)
            .map(|(i, (x, _))| {
                let what = x
                    .operation
                    .clone()
                    .unwrap_or_else(|| format!("{} {}", x.request.method, x.template));
                format!("/exchanges/{i}: {what}, attempt {}", x.attempt)
            })
            .collect()
    }

    /// Fails (returns the explanations) if a request matched nothing.
    pub fn verify(&self) -> Result<(), String> {
        let unmatched = self.unmatched();
        if unmatched.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{} request(s) matched no recorded exchange:\n- {}",
            unmatched.len(),
            unmatched.join("\n- ")
        ))
    }

    /// Fails if a request matched nothing or a recorded exchange was not replayed (the code
    /// under test now sends fewer requests than the recorded session).
    pub fn verify_all_replayed(&self) -> Result<(), String> {
        self.verify()?;
        let unused = self.unused();
        if unused.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{} recorded exchange(s) were not replayed:\n- {}",
            unused.len(),
            unused.join("\n- ")
        ))
    }

    /// Lets unmatched requests pass (each still gets an error) instead of failing the test
    /// when the replayer is dropped.
    pub fn allow_unmatched(mut self) -> Self {
        self.checked = false;
        self
    }

    /// Where the recording came from.
    pub fn source(&self) -> PathBuf {
        PathBuf::from(self.transport.lock().source.clone())
    }
}

impl Drop for Replayer {
    fn drop(&mut self) {
        if self.checked
            && !std::thread::panicking()
            && let Err(message) = self.verify()
        {
            panic!("{message}");
        }
    }
}

#[cfg(test)]
#[path = "replay_tests.rs"]
mod tests;
