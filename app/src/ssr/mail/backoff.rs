//! When a failed email is tried again: exponential backoff with jitter, so that a mail server
//! that comes back is not hit by every queued email (and every replica) at the same moment.

use std::time::Duration;

/// No wait between two attempts is longer than this.
pub const MAX_DELAY: Duration = Duration::from_secs(3600);

/// The wait after the `attempts_made`-th failed attempt: `base`, then twice as long after each
/// further failure, capped at [`MAX_DELAY`]; `jitter` (a random number in `[0, 1)`) picks a
/// point between half and all of it ("equal jitter": never sooner than half the step).
pub fn retry_delay(base: Duration, attempts_made: u32, jitter: f64) -> Duration {
    let doublings = attempts_made.saturating_sub(1).min(31);
    let step = base
        .checked_mul(1u32 << doublings)
        .unwrap_or(MAX_DELAY)
        .min(MAX_DELAY);
    let jitter = jitter.clamp(0.0, 1.0);
    step.div_f64(2.0) + step.div_f64(2.0).mul_f64(jitter)
}

/// [`retry_delay`] with a random jitter.
pub fn random_retry_delay(base: Duration, attempts_made: u32) -> Duration {
    retry_delay(base, attempts_made, rand::random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(30);

    #[test]
    fn the_delay_doubles_after_each_failure() {
        let full: Vec<u64> = (1..=5)
            .map(|n| retry_delay(BASE, n, 1.0).as_secs())
            .collect();
        assert_eq!(full, vec![30, 60, 120, 240, 480]);
    }

    #[test]
    fn jitter_picks_between_half_and_all_of_the_step() {
        assert_eq!(retry_delay(BASE, 3, 0.0), Duration::from_secs(60));
        assert_eq!(retry_delay(BASE, 3, 0.5), Duration::from_secs(90));
        for _ in 0..100 {
            let delay = random_retry_delay(BASE, 3);
            assert!(delay >= Duration::from_secs(60) && delay <= Duration::from_secs(120));
        }
    }

    #[test]
    fn the_delay_is_capped_even_after_very_many_failures() {
        assert_eq!(retry_delay(BASE, 12, 1.0), MAX_DELAY);
        assert_eq!(retry_delay(BASE, u32::MAX, 1.0), MAX_DELAY);
        assert_eq!(retry_delay(Duration::MAX, 1, 1.0), MAX_DELAY);
    }

    #[test]
    fn a_first_attempt_that_failed_waits_about_the_base() {
        assert_eq!(retry_delay(BASE, 0, 1.0), BASE);
        assert_eq!(retry_delay(BASE, 1, 1.0), BASE);
    }
}
