//! The BCSS servers' clock, as this machine sees it.
//!
//! A client assertion is dated (`iat`, `nbf`, `exp`) and the authorization server refuses one
//! dated in its future or past, so a partner machine whose clock is a few minutes off gets every
//! token refused. Each answer of the token endpoint and the gateway carries a `Date` header; the
//! difference with the local clock is the offset, and assertions are dated by the local clock
//! plus that offset — when it is large enough to matter (the header has a one-second
//! resolution) and no larger than the configured bound (beyond it, something else is wrong and
//! the clock must be fixed). The first correction is logged once, with the fix (NTP).

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;

/// Offsets below this are noise: `Date` has a one-second resolution and the answer took time.
const SIGNIFICANT_MS: i64 = 2_000;

/// The offset between the servers' clock and this machine's.
#[derive(Debug)]
pub(crate) struct ServerClock {
    enabled: bool,
    max_correction: Duration,
    state: Mutex<ClockState>,
}

#[derive(Debug, Default)]
struct ClockState {
    /// Server minus local, in milliseconds, from the last `Date` seen.
    measured_ms: Option<i64>,
    warned: bool,
}

impl ServerClock {
    pub fn new(enabled: bool, max_correction: Duration) -> Self {
        Self {
            enabled,
            max_correction,
            state: Mutex::default(),
        }
    }

    /// Reads the `Date` header of an answer received at `received` (local clock).
    pub fn observe(&self, headers: &HeaderMap, received: SystemTime) {
        let Some(server) = headers
            .get(http::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
        else {
            return;
        };
        // The server's second began at `server` and lasted one second: its middle is the best
        // estimate of the instant the answer was dated.
        let offset = millis(server) + 500 - millis(received);
        let correction = {
            let mut state = self.lock();
            state.measured_ms = Some(offset);
            let first = !state.warned && offset.abs() >= SIGNIFICANT_MS;
            state.warned |= first;
            first.then_some(offset)
        };
        if let Some(offset) = correction {
            let secs = offset as f64 / 1000.0;
            if self.applies(offset) {
                tracing::warn!(
                    offset_secs = secs,
                    "this machine's clock is {secs:+.0} s off the BCSS servers' clock: client assertions are dated by the servers' clock; synchronise this clock with NTP"
                );
            } else {
                tracing::warn!(
                    offset_secs = secs,
                    max_correction_secs = self.max_correction.as_secs(),
                    "this machine's clock is {secs:+.0} s off the BCSS servers' clock, more than the correction allowed: assertions will be refused until the clock is synchronised (NTP)"
                );
            }
        }
    }

    /// Server minus local, in seconds, as last measured.
    pub fn offset_secs(&self) -> Option<f64> {
        self.lock().measured_ms.map(|ms| ms as f64 / 1000.0)
    }

    /// The correction in force, in milliseconds (0 when none applies).
    pub fn correction_ms(&self) -> i64 {
        match self.lock().measured_ms {
            Some(offset) if self.applies(offset) => offset,
            _ => 0,
        }
    }

    /// The last measured offset, in seconds, when it matters but is left uncorrected (beyond
    /// the bound, or the correction is off).
    pub fn uncorrected(&self) -> Option<f64> {
        let offset = self.lock().measured_ms?;
        (offset.abs() >= SIGNIFICANT_MS && !self.applies(offset)).then_some(offset as f64 / 1000.0)
    }

    /// Now, by the servers' clock as far as it is corrected.
    pub fn now(&self) -> SystemTime {
        shift(SystemTime::now(), self.correction_ms())
    }

    fn applies(&self, offset_ms: i64) -> bool {
        self.enabled
            && offset_ms.abs() >= SIGNIFICANT_MS
            && offset_ms.unsigned_abs() <= self.max_correction.as_millis() as u64
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ClockState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    }
}

fn shift(t: SystemTime, ms: i64) -> SystemTime {
    let d = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 { t + d } else { t - d }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn dated(t: SystemTime) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::DATE,
            HeaderValue::from_str(&httpdate::fmt_http_date(t)).unwrap(),
        );
        h
    }

    fn clock() -> ServerClock {
        ServerClock::new(true, Duration::from_secs(900))
    }

    #[test]
    fn a_server_five_minutes_ahead_moves_now_five_minutes_ahead() {
        let c = clock();
        let local = SystemTime::now();
        c.observe(&dated(local + Duration::from_secs(300)), local);
        let offset = c.offset_secs().unwrap();
        assert!((299.0..=301.0).contains(&offset), "{offset}");
        let ahead = c.now().duration_since(SystemTime::now()).unwrap();
        assert!(ahead > Duration::from_secs(298), "{ahead:?}");
    }

    #[test]
    fn a_server_behind_moves_now_back() {
        let c = clock();
        let local = SystemTime::now();
        c.observe(&dated(local - Duration::from_secs(120)), local);
        let behind = SystemTime::now().duration_since(c.now()).unwrap();
        assert!(behind > Duration::from_secs(118), "{behind:?}");
    }

    #[test]
    fn a_second_of_difference_is_noise_and_not_corrected() {
        let c = clock();
        let local = SystemTime::now();
        c.observe(&dated(local), local);
        assert_eq!(c.correction_ms(), 0);
        assert!(c.offset_secs().is_some());
    }

    #[test]
    fn an_offset_beyond_the_bound_is_measured_but_not_corrected() {
        let c = ServerClock::new(true, Duration::from_secs(60));
        let local = SystemTime::now();
        c.observe(&dated(local + Duration::from_secs(3600)), local);
        assert_eq!(c.correction_ms(), 0);
        assert!(c.uncorrected().is_some_and(|s| s > 3590.0));
    }

    #[test]
    fn a_disabled_correction_still_measures() {
        let c = ServerClock::new(false, Duration::from_secs(900));
        let local = SystemTime::now();
        c.observe(&dated(local + Duration::from_secs(300)), local);
        assert_eq!(c.correction_ms(), 0);
        assert!(c.offset_secs().is_some());
    }

    #[test]
    fn an_answer_without_a_date_changes_nothing() {
        let c = clock();
        c.observe(&HeaderMap::new(), SystemTime::now());
        assert_eq!(c.offset_secs(), None);
    }
}
