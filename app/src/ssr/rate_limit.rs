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
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
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
/// not counted).
pub async fn hit(
    db: &impl ConnectionTrait,
    bucket: &str,
    limit: Limit,
    now: DateTime<Utc>,
) -> Result<Result<(), u64>, DbErr> {
    // Scoped: ExprTrait is implemented for every type and would shadow `Ord::max` elsewhere.
    use sea_orm::sea_query::ExprTrait;
    let window_open_since = now - window(limit);
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
    // 3. No row yet: the first event. A concurrent first event makes this insert collide;
    //    then the row exists and the steps above decide next time.
    let inserted = rate_limit::ActiveModel {
        bucket: Set(bucket.to_owned()),
        window_start: Set(now),
        hits: Set(1),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(Ok(())),
        Err(e) if is_unique_violation(&e) => {
            Ok(match retry_after(db, bucket, limit, now).await? {
                Some(seconds) => Err(seconds),
                None => Ok(()),
            })
        }
        Err(e) => Err(e),
    }
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

/// The address of the client: the peer, or, when the peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` that is not one of the trusted proxies.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    forwarded_for
        .into_iter()
        .flat_map(|header| header.rsplit(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
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
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    Some(client_ip(
        peer,
        forwarded,
        &state.settings.rate_limits.trusted_proxies,
    ))
}

/// The bucket of the current client address for `kind`, e.g. `login-ip:203.0.113.7`.
pub fn ip_bucket(state: &crate::ssr::AppState, kind: &str) -> String {
    match request_client_ip(state) {
        Some(ip) => format!("{kind}:{ip}"),
        None => format!("{kind}:unknown"),
    }
}

/// Refuses (429 with Retry-After) when the bucket is full; counts nothing.
pub async fn refuse_if_full(
    state: &crate::ssr::AppState,
    bucket: &str,
    limit: Limit,
) -> Result<(), crate::api::ApiError> {
    use crate::api::error::{internal, respond};
    match retry_after(&state.db, bucket, limit, Utc::now()).await {
        Ok(None) => Ok(()),
        Ok(Some(seconds)) => Err(respond(crate::api::ApiError::RateLimited(seconds))),
        Err(e) => Err(respond(internal("reading a rate limit", e))),
    }
}

/// Counts one event, refusing it (429 with Retry-After) when the bucket is full.
pub async fn count(
    state: &crate::ssr::AppState,
    bucket: &str,
    limit: Limit,
) -> Result<(), crate::api::ApiError> {
    use crate::api::error::{internal, respond};
    match hit(&state.db, bucket, limit, Utc::now()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(seconds)) => Err(respond(crate::api::ApiError::RateLimited(seconds))),
        Err(e) => Err(respond(internal("counting a rate limit", e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let spoofed = "198.51.100.1, 203.0.113.7";
        assert_eq!(client_ip(client, Some("198.51.100.1"), &[proxy]), client);
        assert_eq!(client_ip(proxy, Some(spoofed), &[proxy]), client);
        assert_eq!(client_ip(proxy, None, &[proxy]), proxy);
        assert_eq!(client_ip(proxy, Some("garbage"), &[proxy]), proxy);
        assert_eq!(client_ip(proxy, Some(spoofed), &[]), proxy);
    }

    #[test]
    fn person_buckets_hold_no_address() {
        let name = bucket("login-account", "ada@example.com");
        assert!(name.starts_with("login-account:"));
        assert!(!name.contains("ada"));
        assert!(name.len() <= 128);
    }
}
