//! Server-side sessions in the database: the cookie holds a random 256-bit id, the table holds
//! only its hash. Stored in the shared database, a session works on every replica, and
//! deleting an account's rows ends its sessions at once.

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr, ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set,
};

use crate::ssr::{
    entities::{account, session},
    random::{secret_token, token_hash},
    ServerSettings,
};

/// The cookie's name: `__Host-` prefixed over https (bound to this host, Secure, path /);
/// plain over http, where browsers refuse the prefix.
pub fn cookie_name(settings: &ServerSettings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-portico_session"
    } else {
        "portico_session"
    }
}

/// The `Set-Cookie` value that stores `token` in the browser.
pub fn set_cookie(settings: &ServerSettings, token: &str) -> String {
    cookie(
        settings,
        cookie_name(settings),
        token,
        settings.session_absolute_timeout.as_secs(),
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(settings: &ServerSettings) -> String {
    cookie(settings, cookie_name(settings), "", 0)
}

/// A `Set-Cookie` value for one of Portico's cookies: HttpOnly (no script reads it), Lax (sent
/// on top-level navigation, not on cross-site posts), Secure over https.
pub(super) fn cookie(settings: &ServerSettings, name: &str, value: &str, max_age: u64) -> String {
    let secure = if settings.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Adds the `Set-Cookie` header for `token` to the current server function's response.
pub fn attach_to_response(settings: &ServerSettings, token: &str) {
    append_set_cookie(&set_cookie(settings, token));
}

/// Adds the `Set-Cookie` header that removes the session cookie.
pub fn clear_from_response(settings: &ServerSettings) {
    append_set_cookie(&clear_cookie(settings));
}

pub(super) fn append_set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// Reads the session token from a `Cookie` header.
pub fn token_from_cookies(settings: &ServerSettings, cookie_header: &str) -> Option<String> {
    named_token(cookie_header, cookie_name(settings))
}

/// The 256-bit hex token in the cookie called `name`, if the header has a well-formed one.
pub(super) fn named_token(cookie_header: &str, name: &str) -> Option<String> {
    cookie_header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Where a session was started from, for its owner's list of sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub user_agent: Option<String>,
    pub client_ip: Option<String>,
}

/// Longest User-Agent kept (its column's length).
const MAX_USER_AGENT_CHARS: usize = 300;

impl Origin {
    /// The current request's browser and client address.
    pub fn of_request(state: &crate::ssr::AppState) -> Self {
        let user_agent = leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(MAX_USER_AGENT_CHARS).collect())
        });
        let client_ip = crate::ssr::rate_limit::request_client_ip(state)
            .map(|ip| ip.to_canonical().to_string());
        Self {
            user_agent,
            client_ip,
        }
    }
}

/// Starts a new session (always a new id: logging in never reuses one) and returns its token.
pub async fn create(
    db: &DatabaseConnection,
    settings: &ServerSettings,
    account_id: i32,
    origin: Origin,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token = secret_token();
    let absolute = chrono::Duration::from_std(settings.session_absolute_timeout)
        .unwrap_or_else(|_| chrono::Duration::days(7));
    session::ActiveModel {
        id_hash: Set(token_hash(&token)),
        account_id: Set(account_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + absolute),
        user_agent: Set(origin.user_agent),
        client_ip: Set(origin.client_ip),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Starts a fresh session for `account_id` in this browser and sets its cookie. The session
/// the request came with, if any, ends first: a session id never survives a change of who is
/// signed in (login, an invitation link completed) or of their password (session fixation).
pub async fn start(
    state: &crate::ssr::AppState,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if let Some(old) = request_token(state) {
        end(&state.db, &old).await?;
    }
    let origin = Origin::of_request(state);
    let token = create(&state.db, &state.settings, account_id, origin, now).await?;
    attach_to_response(&state.settings, &token);
    Ok(())
}

/// The account of a live session (read with it, in one query: this runs on every signed-in
/// request), refreshing the session's last-seen time. Expired or idle sessions are deleted and
/// yield `None`.
pub async fn resolve(
    db: &DatabaseConnection,
    settings: &ServerSettings,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<account::Model>, DbErr> {
    let id_hash = token_hash(token);
    let Some((found, Some(account))) = session::Entity::find_by_id(id_hash.clone())
        .find_also_related(account::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let idle = chrono::Duration::from_std(settings.session_idle_timeout)
        .unwrap_or_else(|_| chrono::Duration::hours(12));
    if found.expires_at <= now || found.last_seen_at + idle <= now {
        session::Entity::delete_by_id(id_hash).exec(db).await?;
        return Ok(None);
    }
    // Refresh at most once a minute so reads do not turn into a write per request. A refresh
    // that fails (a read-only or full database) does not refuse the request: the session
    // stays valid, only its idle window is not extended.
    if now - found.last_seen_at > chrono::Duration::minutes(1) {
        if let Err(e) = session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::IdHash.eq(id_hash))
            .exec(db)
            .await
        {
            tracing::warn!("could not record the session's last use: {e}");
        }
    }
    Ok(Some(account))
}

/// Ends one session.
pub async fn end(db: &DatabaseConnection, token: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(token_hash(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of an account (deactivation, denial).
pub async fn end_all_for_account(db: &DatabaseConnection, account_id: i32) -> Result<u64, DbErr> {
    end_all_for_account_in(db, account_id).await
}

/// Like [`end_all_for_account`], inside the caller's transaction. Logins of the account
/// waiting for their code end too: what ends every session (a reset password, a
/// deactivation, a denial) must not let a login begun before it finish after it.
pub async fn end_all_for_account_in(
    db: &impl sea_orm::ConnectionTrait,
    account_id: i32,
) -> Result<u64, DbErr> {
    super::challenge::end_all_for_account_in(db, account_id).await?;
    let result = session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// The session token sent with the current request, if any.
pub fn request_token(state: &crate::ssr::AppState) -> Option<String> {
    request_cookie_token(cookie_name(&state.settings))
}

/// The token in the current request's cookie called `name`, if any.
pub(super) fn request_cookie_token(name: &str) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|header| named_token(header, name))
}
