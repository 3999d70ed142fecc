//! Waiting for what the app does in the background (the mail worker's emails and outbox rows,
//! webhook deliveries, housekeeping sweeps, a reconnecting pool): one polling loop for every
//! test, so that each waits as long and fails as clearly as the others.

use std::{fmt::Debug, time::Duration};
use tokio::time::Instant;

/// How long a test waits for something done in the background before it fails: far longer
/// than it takes on a busy 2-core machine, so that only a real miss fails.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// How often it asks again.
const INTERVAL: Duration = Duration::from_millis(100);

/// Asks `check` again every 100 ms until it answers `Ok`, and returns that answer. After
/// `PATIENCE` the test fails with `what` it waited for and the last thing `check` saw (its
/// `Err`), so the failure says what the app did instead.
pub async fn eventually<T, Seen: Debug>(
    what: &str,
    mut check: impl AsyncFnMut() -> Result<T, Seen>,
) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let seen = match check().await {
            Ok(done) => return done,
            Err(seen) => seen,
        };
        assert!(
            Instant::now() < deadline,
            "waited {PATIENCE:?} for {what}; the last thing seen: {seen:#?}"
        );
        tokio::time::sleep(INTERVAL).await;
    }
}

/// `Ok(value)` when `done` holds for it, else `Err(value)`: for checks whose failure is best
/// told by the value itself.
pub fn when<T>(value: T, done: impl FnOnce(&T) -> bool) -> Result<T, T> {
    if done(&value) {
        Ok(value)
    } else {
        Err(value)
    }
}
