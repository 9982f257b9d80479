//! Placeholder: filled by the record-and-replay work.

/// Records exchanges.
#[derive(Debug)]
pub struct Recorder;
/// A recording.
#[derive(Debug)]
pub struct Recording;
/// One recorded exchange.
#[derive(Debug)]
pub struct RecordedExchange;
/// Wraps a client.
pub fn record(client: crate::BcssClient) -> crate::BcssClient {
    client
}
