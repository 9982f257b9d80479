//! Recording a real session: every attempt through the client's transport, redacted, appended
//! to a file rewritten after each exchange.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::future::BoxFuture;

use super::recording::{RecordedExchange, RecordedFault, RecordedRequest, RecordedResponse};
use super::redact::{Pseudonyms, Redactor};
use super::{Recording, RecordingError};
use crate::BcssClient;
use crate::transport::{Transport, TransportError, TransportRequest, TransportResponse};

/// Records `client`'s exchanges to `path` with the default [`Redactor`]: returns the client
/// to use (the same one, sending through the recorder) and the recorder's handle.
///
/// ```no_run
/// # async fn demo(config: bcss_runtime::Config) -> Result<(), Box<dyn std::error::Error>> {
/// let client = bcss_runtime::BcssClient::new(&config)?;
/// let (client, recorder) = bcss_runtime::testing::record(client, "tests/recordings/search.json")?;
/// // … the session, against acceptance or the sandbox …
/// recorder.finish()?;
/// # Ok(()) }
/// ```
///
/// A generated client: `Client::from_runtime(recorder.wrap(client.runtime().clone()))`.
pub fn record(
    client: BcssClient,
    path: impl Into<PathBuf>,
) -> Result<(BcssClient, Recorder), RecordingError> {
    let recorder = Recorder::new(path, Redactor::new())?;
    Ok((recorder.wrap(client), recorder))
}

struct State {
    recording: Recording,
    pseudonyms: Pseudonyms,
    /// The first write that failed: the session goes on, [`Recorder::finish`] reports it.
    failed: Option<RecordingError>,
}

struct Shared {
    path: PathBuf,
    redactor: Redactor,
    state: Mutex<State>,
}

/// The handle on a recording in progress. Cheap to clone; every client it
/// [wraps](Recorder::wrap) appends to the same file.
///
/// The live traffic is not modified: only what is written is redacted. The file is rewritten
/// (atomically) after each exchange, so a session that stops half-way leaves a valid file.
#[derive(Clone)]
pub struct Recorder {
    shared: Arc<Shared>,
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("path", &self.shared.path)
            .field("exchanges", &self.len())
            .finish()
    }
}

impl Recorder {
    /// A recorder writing to `path` with `redactor`'s rules. Writes the empty recording at
    /// once, so a path that cannot be written fails here rather than after the session.
    pub fn new(path: impl Into<PathBuf>, redactor: Redactor) -> Result<Self, RecordingError> {
        let path = path.into();
        let recording = Recording::new(&redactor);
        recording.save(&path)?;
        Ok(Self {
            shared: Arc::new(Shared {
                path,
                redactor,
                state: Mutex::new(State {
                    recording,
                    pseudonyms: Pseudonyms::default(),
                    failed: None,
                }),
            }),
        })
    }

    /// `client`, sending through its current transport and recording every attempt.
    pub fn wrap(&self, client: BcssClient) -> BcssClient {
        let shared = self.shared.clone();
        client.map_transport(move |inner| RecordingTransport { inner, shared })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The exchanges recorded so far.
    pub fn len(&self) -> usize {
        self.lock().recording.exchanges.len()
    }

    /// Whether nothing was recorded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The recording so far, as written.
    pub fn recording(&self) -> Recording {
        self.lock().recording.clone()
    }

    /// The recording, or the first error writing it.
    pub fn finish(self) -> Result<Recording, RecordingError> {
        let state = self.lock();
        match &state.failed {
            Some(e) => Err(e.clone()),
            None => Ok(state.recording.clone()),
        }
    }

    fn append(
        &self,
        request: &TransportRequest,
        outcome: &Result<TransportResponse, TransportError>,
    ) {
        let redactor = &self.shared.redactor;
        let mut state = self.lock();
        let state = &mut *state;
        let sink = &mut state.pseudonyms;
        sink.gateway = super::redact::gateway_of(request);
        let recorded = RecordedRequest::redacted(request, redactor, sink);
        let (response, fault) = match outcome {
            Ok(r) => (Some(RecordedResponse::redacted(r, redactor, sink)), None),
            Err(e) => (None, Some(RecordedFault::redacted(e, redactor, sink))),
        };
        state.recording.exchanges.push(RecordedExchange {
            operation: request.operation.map(str::to_owned),
            template: request.path_template.clone(),
            attempt: request.attempt,
            request: recorded,
            response,
            fault,
        });
        if let Err(e) = state.recording.save(&self.shared.path) {
            tracing::error!(error = %e, "the recording could not be written");
            state.failed.get_or_insert(e);
        }
    }
}

/// The transport a recorded client sends through.
struct RecordingTransport {
    inner: Arc<dyn Transport>,
    shared: Arc<Shared>,
}

impl Transport for RecordingTransport {
    fn send(
        &self,
        request: TransportRequest,
    ) -> BoxFuture<'_, Result<TransportResponse, TransportError>> {
        Box::pin(async move {
            // The request is kept before it is sent: the inner transport takes it.
            let kept = request.clone();
            let outcome = self.inner.send(request).await;
            let recorder = Recorder {
                shared: self.shared.clone(),
            };
            recorder.append(&kept, &outcome);
            outcome
        })
    }
}
