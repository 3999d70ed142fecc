//! A batch's hold on its claimed outbox rows. The claim is short and renewed while the batch
//! runs: a live worker keeps its rows however long a slow SMTP server takes, and the rows of a
//! worker that died mid-batch (a replica killed, a machine lost) are due again within a minute
//! instead of the quarter of an hour a claim once lasted.

use std::{
    convert::Infallible,
    sync::atomic::{AtomicI64, Ordering},
    time::Duration,
};

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::ssr::mail::queue;

/// How long a claim holds unless renewed.
const LEASE: Duration = Duration::from_secs(60);
/// How often a running batch renews its claim: a third of the lease, so one failed renewal
/// still leaves the batch time.
const RENEWAL: Duration = Duration::from_secs(20);
/// When less than this is left (the renewals failed: the database does not answer), the
/// batch's sends not yet started are handed back. It covers the sends in flight then: they run
/// side by side, so together they take about as long as one.
const MARGIN: Duration = Duration::from_secs(30);

/// Until when this worker holds its batch, as last written to the database.
pub struct Lease {
    until_millis: AtomicI64,
}

impl Lease {
    /// A lease that starts now, for [`Lease::until`] to write with the claim.
    pub fn starting(now: DateTime<Utc>) -> Self {
        Self {
            until_millis: AtomicI64::new(end_of(now).timestamp_millis()),
        }
    }

    pub fn until(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.until_millis.load(Ordering::Relaxed))
            .unwrap_or_default()
    }

    /// Whether too little is left of the lease to start another send.
    pub fn running_out(&self) -> bool {
        Utc::now() + to_chrono(MARGIN) > self.until()
    }

    /// Renews the claim on `ids` (those still queued and still held) every [`RENEWAL`], for as
    /// long as the batch runs: the caller drops this future when the batch ends.
    pub async fn keep(&self, db: &DatabaseConnection, ids: &[i32]) -> Infallible {
        loop {
            tokio::time::sleep(RENEWAL).await;
            let now = Utc::now();
            let until = end_of(now);
            match queue::renew(db, ids, now, until).await {
                Ok(()) => self
                    .until_millis
                    .store(until.timestamp_millis(), Ordering::Relaxed),
                Err(error) => tracing::warn!(
                    "the mail worker could not renew its claim on {} emails ({error}); it \
                     stops starting sends {} s before the claim ends",
                    ids.len(),
                    MARGIN.as_secs()
                ),
            }
        }
    }
}

/// The end of a lease taken at `now`.
fn end_of(now: DateTime<Utc>) -> DateTime<Utc> {
    now + to_chrono(LEASE)
}

fn to_chrono(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).expect("a short duration")
}
