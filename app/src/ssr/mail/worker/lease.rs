//! A batch's hold on its claimed outbox rows. The claim is short and renewed while the batch
//! runs: a live worker keeps its rows however long a slow SMTP server takes, and the rows of a
//! worker that died mid-batch (a replica killed, a machine lost) are due again within a minute
//! instead of the quarter of an hour a claim once lasted.

use std::{
    convert::Infallible,
    sync::atomic::{AtomicI64, Ordering},
    time::Duration,
};

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::DatabaseConnection;

use crate::ssr::mail::queue;

/// How long a claim holds unless renewed.
const LEASE: Duration = Duration::from_secs(60);
/// How often a running batch renews its claim: a quarter of the lease, so that after one
/// failed renewal more than [`MARGIN`] is still left at the next.
const RENEWAL: Duration = Duration::from_secs(15);
/// When less than this is left (two renewals in a row failed: the database does not answer),
/// the batch's sends not yet started are handed back. The sends in flight then run side by
/// side and usually end well within it; one held up by a stalled SMTP server (each command may
/// take the 30 s timeout) can outlast the claim, and its email may then be sent again by the
/// worker that claims the row next, with the same Message-ID.
const MARGIN: Duration = Duration::from_secs(20);

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

    /// Renews the claim on `ids` (those still queued and still held by this claim) every
    /// [`RENEWAL`], for as long as the batch runs: the caller drops this future when the batch
    /// ends.
    pub async fn keep(&self, db: &DatabaseConnection, ids: &[i32]) -> Infallible {
        loop {
            tokio::time::sleep(RENEWAL).await;
            let held = self.until();
            let until = end_of(Utc::now());
            match queue::renew(db, ids, held, until).await {
                // None renewed: every row was sent, or the claim was lost; either way no send
                // may start under it any more.
                Ok(0) => {}
                Ok(_) => self
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

/// The end of a lease taken at `now`, in whole seconds: a renewal finds the batch's rows by
/// this exact value, and MySQL keeps timestamps to the second.
fn end_of(now: DateTime<Utc>) -> DateTime<Utc> {
    (now + to_chrono(LEASE)).trunc_subsecs(0)
}

fn to_chrono(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).expect("a short duration")
}
