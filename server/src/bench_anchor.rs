//! The throughput anchor of the list (scripts/load.sh): a hand-written axum handler doing the
//! list's work with sqlx alone (no SeaORM, no Leptos, no middleware). It finds the session and
//! its admin, reads the newest page of invitations with their developers' and deciders' names
//! and their newest email's delivery in one statement, counts up to the list's limit, and
//! serializes the same `InvitationList` the list server function returns, byte for byte (the
//! script compares the two bodies before it measures). Prepared statements of fixed text, so
//! sqlx's per-connection statement cache prepares each once. SQLite only, as the load runs.

use std::sync::Arc;

use app::{
    domain::{
        invitation::{effective_status, StoredStatus},
        Role,
    },
    model::invitation::{
        Decision, DeliveryState, EmailDelivery, InvitationList, InvitationRow, Origin,
    },
    ssr::random::token_hash,
};
use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Form, Router,
};
use chrono::{DateTime, Utc};
use sea_orm::sqlx::{self, sqlite::SqliteRow, Row, SqlitePool};

/// The list's count limit.
const COUNT_LIMIT: i64 = app::domain::invitation::paging::COUNT_LIMIT as i64;

const SESSION: &str = "SELECT a.role, a.active, a.must_change_password, s.expires_at, \
     s.last_seen_at FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = ?";
const TOUCH: &str = "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?";
const PAGE: &str = "SELECT i.id, i.email, i.invited_at, i.valid_until, i.status, i.origin, \
     i.pre_approved, i.role, i.completed_at, i.decided_at, i.decision_reason, \
     developer.full_name, decider.full_name, o.status, o.attempts, o.last_error, o.sent_at \
     FROM (SELECT * FROM invitations ORDER BY invited_at DESC, id DESC LIMIT ?) i \
     LEFT JOIN accounts developer ON developer.id = i.account_id \
     LEFT JOIN accounts decider ON decider.id = i.decided_by \
     LEFT JOIN outbox o ON o.id = (SELECT max(id) FROM outbox \
       WHERE invitation_id = i.id AND kind = 'invitation') \
     ORDER BY i.invited_at DESC, i.id DESC";
const COUNT: &str = "SELECT count(*) FROM (SELECT 1 FROM invitations LIMIT ?)";

struct Anchor {
    pool: SqlitePool,
    cookie: &'static str,
    idle: chrono::Duration,
}

#[derive(serde::Deserialize)]
struct ListForm {
    page_size: Option<u64>,
}

/// Serves `POST /api/list_invitations` on `port` with the anchor handler, on the database at
/// `database_url` (connected and configured as the server connects it).
pub async fn serve(
    port: u16,
    database_url: &str,
    settings: &app::ssr::ServerSettings,
) -> Result<(), String> {
    let db = app::ssr::db::connect(database_url)
        .await
        .map_err(|e| e.to_string())?;
    let anchor = Arc::new(Anchor {
        pool: db.get_sqlite_connection_pool().clone(),
        cookie: app::ssr::auth::session::cookie_name(settings),
        idle: chrono::Duration::from_std(settings.session_idle_timeout)
            .map_err(|e| e.to_string())?,
    });
    let app = Router::new()
        .route("/api/list_invitations", post(list))
        .with_state(anchor);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
    println!("anchor list handler listening on 127.0.0.1:{port}");
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}

async fn list(
    State(anchor): State<Arc<Anchor>>,
    headers: HeaderMap,
    Form(form): Form<ListForm>,
) -> Response {
    let page_size = form.page_size.unwrap_or(20);
    if !(1..=100).contains(&page_size) {
        return (
            StatusCode::BAD_REQUEST,
            "Show 1 to 100 invitations per page.",
        )
            .into_response();
    }
    match answer(&anchor, &headers, page_size).await {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err((status, message)) => (status, message).into_response(),
    }
}

type Failure = (StatusCode, String);

fn internal(error: impl std::fmt::Display) -> Failure {
    (StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
}

async fn answer(anchor: &Anchor, headers: &HeaderMap, page_size: u64) -> Result<Bytes, Failure> {
    let now = Utc::now();
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(anchor.cookie)?.strip_prefix('='))
        .ok_or((StatusCode::UNAUTHORIZED, "no session".to_owned()))?;
    let id_hash = token_hash(token);
    let session = sqlx::query(SESSION)
        .bind(&id_hash)
        .fetch_optional(&anchor.pool)
        .await
        .map_err(internal)?
        .ok_or((StatusCode::UNAUTHORIZED, "no session".to_owned()))?;
    let expires_at: DateTime<Utc> = session.try_get(3).map_err(internal)?;
    let last_seen_at: DateTime<Utc> = session.try_get(4).map_err(internal)?;
    if expires_at <= now || last_seen_at + anchor.idle <= now {
        return Err((StatusCode::UNAUTHORIZED, "session ended".to_owned()));
    }
    let role: String = session.try_get(0).map_err(internal)?;
    let active: bool = session.try_get(1).map_err(internal)?;
    let must_change: bool = session.try_get(2).map_err(internal)?;
    if !active || must_change || Role::parse(&role) != Some(Role::Admin) {
        return Err((StatusCode::FORBIDDEN, "not an admin".to_owned()));
    }
    // As the server does: at most once a minute, and a failed refresh does not refuse.
    if now - last_seen_at > chrono::Duration::minutes(1) {
        let _ = sqlx::query(TOUCH)
            .bind(now)
            .bind(&id_hash)
            .execute(&anchor.pool)
            .await;
    }

    let mut rows = sqlx::query(PAGE)
        .bind(page_size as i64 + 1)
        .fetch_all(&anchor.pool)
        .await
        .map_err(internal)?
        .iter()
        .map(|row| invitation_row(row, now))
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?;
    let more = rows.len() as u64 > page_size;
    rows.truncate(page_size as usize);
    let total: i64 = sqlx::query_scalar(COUNT)
        .bind(COUNT_LIMIT + 1)
        .fetch_one(&anchor.pool)
        .await
        .map_err(internal)?;
    let next = more.then(|| rows.last()).flatten().map(|row| {
        let nanos = row.invited_at.timestamp_nanos_opt().unwrap_or(i64::MAX);
        format!("a{}.{nanos}", row.id)
    });
    let list = InvitationList {
        rows,
        total: total.min(COUNT_LIMIT) as u64,
        total_is_lower_bound: total > COUNT_LIMIT,
        page: 1,
        page_size,
        previous: None,
        next,
    };
    serde_json::to_vec(&list).map(Bytes::from).map_err(internal)
}

fn invitation_row(row: &SqliteRow, now: DateTime<Utc>) -> Result<InvitationRow, sqlx::Error> {
    let stored: String = row.try_get(4)?;
    let stored = StoredStatus::parse(&stored)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {stored:?}").into()))?;
    let valid_until: DateTime<Utc> = row.try_get(3)?;
    let origin: String = row.try_get(5)?;
    let role: String = row.try_get(7)?;
    let decided_at: Option<DateTime<Utc>> = row.try_get(9)?;
    let delivery_status: Option<String> = row.try_get(13)?;
    let delivery = match delivery_status {
        None => None,
        Some(status) => {
            let attempts: i32 = row.try_get(14)?;
            Some(EmailDelivery {
                state: match status.as_str() {
                    "sent" => DeliveryState::Sent,
                    "failed" => DeliveryState::Failed,
                    "dropped" => DeliveryState::Dropped,
                    _ if attempts > 0 => DeliveryState::Retrying,
                    _ => DeliveryState::Queued,
                },
                attempts,
                last_error: row.try_get(15)?,
                sent_at: row.try_get(16)?,
            })
        }
    };
    Ok(InvitationRow {
        id: row.try_get(0)?,
        email: row.try_get(1)?,
        invited_at: row.try_get(2)?,
        valid_until,
        status: effective_status(stored, valid_until, now),
        origin: Origin::parse(&origin).unwrap_or(Origin::Invited),
        pre_approved: row.try_get(6)?,
        role: Role::parse(&role).unwrap_or(Role::Developer),
        full_name: row.try_get(11)?,
        completed_at: row.try_get(8)?,
        delivery,
        decision: match decided_at {
            Some(at) => Some(Decision {
                approved: stored == StoredStatus::Approved,
                at,
                by: row.try_get(12)?,
                reason: row.try_get(10)?,
            }),
            None => None,
        },
    })
}
