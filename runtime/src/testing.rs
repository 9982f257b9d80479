//! A test kit for the partner's own code (feature `testing`): clients that never leave the
//! process, built on the production code above the [`crate::transport::Transport`] seam.
//!
//! - [`FakeGateway`]: say per operation what to answer (a value, a status, a Belgif problem, a
//!   fault, a sequence), then read what was sent. Generated crates wrap it in a typed
//!   `testing::Fakes` (their own `testing` feature).
//! - [`record`] and [`Replayer`]: record the exchanges of a real session to a JSON file —
//!   secrets removed, SSINs pseudonymised, names and addresses masked — and replay them.
//!
//! No token is obtained and no socket is opened by a client built here:
//! [`crate::transport::network_requests_sent`] stays where it was.

mod fake;
mod matching;
mod record;
mod recording;
mod redact;
mod replay;
mod sent;

pub use fake::{FakeGateway, FakeOperation, FakeTransport, Fault, OperationFake, Reply};
pub use record::{Recorder, record};
pub use recording::{
    Body, FORMAT, RecordedExchange, RecordedFault, RecordedRequest, RecordedResponse, Recording,
    RecordingError,
};
pub use redact::Redactor;
pub use replay::{ReplayTransport, Replayer, replay};
pub use sent::SentRequest;

use crate::{BcssClient, Channel, Config, Environment};

/// The configuration of in-memory clients when a test gives none: the test environment on the
/// extranet, default timeouts and retries.
pub fn in_memory_config() -> Config {
    Config::builder(Environment::Test, Channel::Extranet).build()
}

/// A client on `transport` with [`in_memory_config`].
pub fn in_memory_client(transport: impl crate::transport::Transport) -> BcssClient {
    // The default configuration has no value that can fail (no accept-language).
    BcssClient::with_transport(&in_memory_config(), transport)
        .unwrap_or_else(|e| unreachable!("the in-memory configuration is valid: {e}"))
}
