//! Placeholder: filled by the record-and-replay work.

/// Replays a recording.
#[derive(Debug)]
pub struct Replayer;
