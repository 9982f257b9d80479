//! The retry budget: a token bucket per client, so that an outage does not multiply the load.
//!
//! The scheme of the AWS SDKs' standard retry mode: each retry takes tokens from a bucket
//! (more for a timeout, which held a connection for long), each success puts tokens back —
//! one for a first-attempt success, the cost of its retries for a success after retries. When
//! the gateway is down the bucket empties after `capacity / retry_cost` retries across every
//! caller of the client, and from then on failures are returned at once until successes refill
//! it.

use std::sync::Mutex;

/// Settings of the retry budget (`[retry] budget_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryBudgetSettings {
    /// Tokens in a full bucket. 0 turns the budget off (retries are then bounded by each call's
    /// policy only). Default 500.
    pub capacity: u32,
    /// Tokens a retry takes. Default 5.
    pub retry_cost: u32,
    /// Tokens a retry after a timeout takes. Default 10.
    pub timeout_retry_cost: u32,
}

impl Default for RetryBudgetSettings {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
        }
    }
}

/// Why a retry is wanted: decides its cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryCause {
    Timeout,
    Other,
}

/// A client's bucket, shared by all its clones.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    settings: RetryBudgetSettings,
    available: Mutex<u32>,
}

impl RetryBudget {
    pub fn new(settings: RetryBudgetSettings) -> Self {
        Self {
            settings,
            available: Mutex::new(settings.capacity),
        }
    }

    /// Takes the tokens of one retry; `None` when the bucket cannot pay for it. The returned
    /// cost goes back into the bucket if the call ends in a success.
    pub fn acquire(&self, cause: RetryCause) -> Option<u32> {
        if self.settings.capacity == 0 {
            return Some(0);
        }
        let cost = match cause {
            RetryCause::Timeout => self.settings.timeout_retry_cost,
            RetryCause::Other => self.settings.retry_cost,
        };
        let mut available = self.lock();
        if *available < cost {
            return None;
        }
        *available -= cost;
        Some(cost)
    }

    /// A call succeeded after its retries took `spent` tokens (0: on its first attempt).
    pub fn on_success(&self, spent: u32) {
        let refill = if spent == 0 { 1 } else { spent };
        let mut available = self.lock();
        *available = available.saturating_add(refill).min(self.settings.capacity);
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        self.available
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(capacity: u32) -> RetryBudget {
        RetryBudget::new(RetryBudgetSettings {
            capacity,
            ..RetryBudgetSettings::default()
        })
    }

    #[test]
    fn an_outage_empties_the_bucket_after_capacity_over_cost_retries() {
        let b = budget(50);
        let granted = (0..100)
            .filter(|_| b.acquire(RetryCause::Other).is_some())
            .count();
        assert_eq!(granted, 10);
        assert_eq!(b.acquire(RetryCause::Other), None);
    }

    #[test]
    fn timeouts_cost_more_than_other_retries() {
        let b = budget(20);
        assert_eq!(b.acquire(RetryCause::Timeout), Some(10));
        assert_eq!(b.acquire(RetryCause::Other), Some(5));
        assert_eq!(b.available(), 5);
    }

    #[test]
    fn successes_refill_up_to_the_capacity() {
        let b = budget(20);
        let spent = b.acquire(RetryCause::Timeout).unwrap();
        b.on_success(spent);
        assert_eq!(b.available(), 20);
        b.acquire(RetryCause::Other);
        for _ in 0..3 {
            b.on_success(0);
        }
        assert_eq!(b.available(), 18);
        for _ in 0..10 {
            b.on_success(0);
        }
        assert_eq!(b.available(), 20);
    }

    #[test]
    fn a_zero_capacity_turns_the_budget_off() {
        let b = budget(0);
        assert!((0..1000).all(|_| b.acquire(RetryCause::Timeout).is_some()));
    }
}
