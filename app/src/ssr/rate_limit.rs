//! Rate limits kept in the database (fixed windows), so that every replica sharing it counts
//! the same attempts. Each step is one atomic statement: no lock is held between them.

use std::{net::IpAddr, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    Set,
};

use crate::ssr::{db::is_unique_violation, entities::rate_limit, random::token_hash};

/// At most `max` counted events per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// The configured limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// Failed logins per account (whatever the address they come from).
    pub login_failures_per_account: Limit,
    /// Failed logins per client address (credential stuffing across accounts).
    pub login_failures_per_ip: Limit,
    /// Unknown or malformed invitation links looked up or submitted per client address.
    pub bad_links_per_ip: Limit,
    /// Sign-ups per client address.
    pub sign_ups_per_ip: Limit,
    /// Invite and resend calls per admin.
    pub invites_per_admin: Limit,
    /// Emails that anyone can cause to be sent to one address (sign-up confirmations and the
    /// notices that answer a sign-up for a known address), so a stranger cannot flood a mailbox
    /// from many client addresses.
    pub mails_per_recipient: Limit,
    /// Password-reset requests per client address (each may send an email to any address).
    pub password_resets_per_ip: Limit,
    /// Requests per API token (`/api/v1`), whatever they do.
    pub api_requests_per_token: Limit,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
}

impl RateLimits {
    /// The longest window of any limit: a bucket whose window started longer ago than this
    /// is over, whatever its kind.
    pub fn longest_window(&self) -> Duration {
        [
            self.login_failures_per_account,
            self.login_failures_per_ip,
            self.bad_links_per_ip,
            self.sign_ups_per_ip,
            self.invites_per_admin,
            self.mails_per_recipient,
            self.password_resets_per_ip,
            self.api_requests_per_token,
        ]
        .iter()
        .map(|limit| limit.window)
        .max()
        .unwrap_or(Duration::from_secs(3600))
    }
}

/// A bucket name for something that names a person (an email): hashed, so the table holds no
/// addresses.
pub fn bucket(kind: &str, subject: &str) -> String {
    format!("{kind}:{}", &token_hash(subject)[..32])
}

/// Seconds until the bucket accepts again, or `None` when it is not full. Reading counts
/// nothing (for limits that count failures only).
pub async fn retry_after(
    db: &impl ConnectionTrait,
    bucket: &str,
    limit: Limit,
    now: DateTime<Utc>,
) -> Result<Option<u64>, DbErr> {
    let Some(row) = rate_limit::Entity::find_by_id(bucket.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let window_end = row.window_start + window(limit);
    Ok((window_end > now && row.hits >= max(limit)).then(|| seconds_until(window_end, now)))
}

/// Counts one event; `Err(seconds)` when the bucket was already full (the event is refused and
/// not counted). Every way to count is one conditional statement, so any number of concurrent
/// callers, on any replica, never count past the limit: a caller that loses a race (two first
/// events, two window restarts) goes round again and meets the row the winner wrote.
pub async fn hit(
    db: &impl ConnectionTrait,
    bucket: &str,
    limit: Limit,
    now: DateTime<Utc>,
) -> Result<Result<(), u64>, DbErr> {
    // Scoped: ExprTrait is implemented for every type and would shadow `Ord::max` elsewhere.
    use sea_orm::sea_query::ExprTrait;
    let window_open_since = now - window(limit);
    // Three rounds suffice: a lost insert means the row exists, a lost restart means the
    // window is current, so the second round decides by step 1 or by the row being full.
    for _ in 0..3 {
        // 1. Inside the current window and below the limit: count it.
        let counted = rate_limit::Entity::update_many()
            .col_expr(
                rate_limit::Column::Hits,
                Expr::col(rate_limit::Column::Hits).add(1),
            )
            .filter(rate_limit::Column::Bucket.eq(bucket))
            .filter(rate_limit::Column::WindowStart.gt(window_open_since))
            .filter(rate_limit::Column::Hits.lt(max(limit)))
            .exec(db)
            .await?;
        if counted.rows_affected == 1 {
            return Ok(Ok(()));
        }
        // 2. The window is over: start a new one with this event.
        let restarted = rate_limit::Entity::update_many()
            .col_expr(rate_limit::Column::Hits, Expr::value(1))
            .col_expr(rate_limit::Column::WindowStart, Expr::value(now))
            .filter(rate_limit::Column::Bucket.eq(bucket))
            .filter(rate_limit::Column::WindowStart.lte(window_open_since))
            .exec(db)
            .await?;
        if restarted.rows_affected == 1 {
            return Ok(Ok(()));
        }
        // 3. Full inside the window: refused.
        if let Some(seconds) = retry_after(db, bucket, limit, now).await? {
            return Ok(Err(seconds));
        }
        // 4. No row yet: the first event. A concurrent first event makes this insert
        //    collide; then the row exists, and the next round counts against it.
        let inserted = rate_limit::ActiveModel {
            bucket: Set(bucket.to_owned()),
            window_start: Set(now),
            hits: Set(1),
        }
        .insert(db)
        .await;
        match inserted {
            Ok(_) => return Ok(Ok(())),
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    // Still undecided after three rounds (the row keeps changing under us): refuse rather
    // than count past the limit.
    Ok(Err(seconds_until(now + window(limit), now)))
}

/// Gives back one event counted by [`hit`] (a reserved attempt that turned out not to be a
/// failure, such as a login with the right password). Never below zero.
pub async fn release_in(db: &impl ConnectionTrait, bucket: &str) -> Result<(), DbErr> {
    use sea_orm::sea_query::ExprTrait;
    rate_limit::Entity::update_many()
        .col_expr(
            rate_limit::Column::Hits,
            Expr::col(rate_limit::Column::Hits).sub(1),
        )
        .filter(rate_limit::Column::Bucket.eq(bucket))
        .filter(rate_limit::Column::Hits.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

fn window(limit: Limit) -> chrono::Duration {
    chrono::Duration::from_std(limit.window).unwrap_or_else(|_| chrono::Duration::hours(1))
}

fn max(limit: Limit) -> i32 {
    i32::try_from(limit.max).unwrap_or(i32::MAX)
}

fn seconds_until(end: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    u64::try_from((end - now).num_seconds()).unwrap_or(0).max(1)
}

/// The address of the client. From a peer that is not a trusted proxy: the peer. From a
/// trusted proxy: `X-Forwarded-For` (every header line, in order, as one list) is walked from
/// the right, past the trusted proxies, to the first address that is not one; that is the
/// client. An entry that is not an address means the chain cannot be believed past it, so
/// the peer is the client then (a client cannot choose its own address by adding garbage).
pub fn client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[IpAddr],
) -> IpAddr {
    if !trusted.contains(&peer.to_canonical()) {
        return peer;
    }
    let entries: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in entries.iter().rev() {
        let Some(hop) = parse_hop(entry) else {
            return peer;
        };
        client = hop;
        if !trusted.contains(&hop) {
            return hop;
        }
    }
    client
}

/// An `X-Forwarded-For` entry: an address, possibly with a port (`203.0.113.7:4711`,
/// `[2001:db8::1]:4711`), as some proxies write it.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<std::net::SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

/// The current request's client address, when the server was started with connection info.
pub fn request_client_ip(state: &crate::ssr::AppState) -> Option<IpAddr> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?
        .0
        .ip();
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or("unreadable"));
    Some(client_ip(
        peer,
        forwarded,
        &state.settings.rate_limits.trusted_proxies,
    ))
}

/// How a client address is counted: an IPv4 address alone; an IPv6 address by its /64, the
/// block one subscriber or one server usually gets whole (counting single IPv6 addresses
/// would let one client use 2^64 fresh buckets).
pub fn client_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            format!("{}/64", std::net::Ipv6Addr::from(prefix))
        }
    }
}

/// The bucket of the current client address for `kind`, e.g. `login-ip:203.0.113.7` or
/// `login-ip:2001:db8:1:2::/64`.
pub fn ip_bucket(state: &crate::ssr::AppState, kind: &str) -> String {
    match request_client_ip(state) {
        Some(ip) => format!("{kind}:{}", client_key(ip)),
        None => format!("{kind}:unknown"),
    }
}

/// The bucket of an account for `kind`, keyed on the address as accounts are looked up
/// (`Email::normalized`), so every spelling that signs in to one account shares its bucket;
/// text that is not an address at all is keyed on its trimmed lower case.
pub fn account_bucket(kind: &str, typed_email: &str) -> String {
    let key = crate::domain::Email::parse(typed_email)
        .map(|email| email.normalized())
        .unwrap_or_else(|_| typed_email.trim().to_lowercase());
    bucket(kind, &key)
}

/// Why an event was not counted: the bucket is full (the caller answers 429 with
/// `Retry-After`), or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum LimitError {
    #[error("the limit is reached; retry after {retry_after} s")]
    Full { retry_after: u64 },
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

/// Refuses when the bucket is full; counts nothing.
pub async fn refuse_if_full(
    state: &crate::ssr::AppState,
    bucket: &str,
    limit: Limit,
) -> Result<(), LimitError> {
    match retry_after(&state.db, bucket, limit, Utc::now()).await? {
        None => Ok(()),
        Some(retry_after) => Err(LimitError::Full { retry_after }),
    }
}

/// Counts one event, refusing it when the bucket is full.
pub async fn count(
    state: &crate::ssr::AppState,
    bucket: &str,
    limit: Limit,
) -> Result<(), LimitError> {
    hit(&state.db, bucket, limit, Utc::now())
        .await?
        .map_err(|retry_after| LimitError::Full { retry_after })
}

/// Gives back one event counted by [`count`] (see [`release_in`]).
pub async fn release(state: &crate::ssr::AppState, bucket: &str) -> Result<(), LimitError> {
    Ok(release_in(&state.db, bucket).await?)
}

/// Refuses a client that tried too many unknown or malformed links (invitation and
/// password-reset links share one bucket: a guesser is a guesser).
pub async fn refuse_after_bad_links(state: &crate::ssr::AppState) -> Result<(), LimitError> {
    let bucket = ip_bucket(state, "bad-links-ip");
    refuse_if_full(state, &bucket, state.settings.rate_limits.bad_links_per_ip).await
}

/// Counts an unknown or malformed link tried by this client.
pub async fn count_bad_link(state: &crate::ssr::AppState) -> Result<(), LimitError> {
    let bucket = ip_bucket(state, "bad-links-ip");
    count(state, &bucket, state.settings.rate_limits.bad_links_per_ip).await
}

#[cfg(test)]
mod tests;
