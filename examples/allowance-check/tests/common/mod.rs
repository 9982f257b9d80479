//! The session the committed recording holds, shared by its replay and its freshness check.

use allowance_check::{CheckError, Date, Decision, HistoryCache, Ssin, decide};
use bcss_social_status::Client;
use std::path::PathBuf;

/// The SSIN the session consults (a fictitious one; it is not in the recording).
pub const SSIN: &str = "85073003328";

/// `tests/recordings/working-parent.json`.
pub fn recording() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/recordings/working-parent.json")
}

/// Decides for the parent at 15 January 2026.
pub async fn session(client: &Client) -> Result<Decision, CheckError> {
    let date: Date = "2026-01-15".parse().expect("a date");
    let ssin = Ssin::new(SSIN).expect("a valid SSIN");
    decide(client, &ssin, date, &mut HistoryCache::default()).await
}
