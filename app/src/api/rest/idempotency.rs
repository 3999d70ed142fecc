//! `Idempotency-Key` on POST: the first request with a key is answered and its answer kept
//! (24 hours, per token); the same key again gets the same answer without acting twice, even
//! from another replica (the key is claimed by an insert that only one request can win).

use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{Duration, Utc};
use sea_orm::{prelude::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::problem::{problem, RestError};
use crate::ssr::{
    db::is_unique_violation, entities::idempotency_key, random::token_hash, AppState,
};

/// How long an answer is replayed.
pub const KEPT_FOR: Duration = crate::ssr::services::cleanup::IDEMPOTENCY_KEPT_FOR;

/// How long a claim whose request never finished blocks its key (past the request timeout).
const ABANDONED_AFTER: Duration = Duration::minutes(2);

/// An answer to keep: status, `Location`, JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: serde_json::Value,
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body)).into_response();
        if let Some(location) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        response
    }
}

/// Runs `act` once per `Idempotency-Key` of this token and request; without the header it
/// simply runs.
pub async fn once<F>(
    state: &AppState,
    token_id: i32,
    headers: &HeaderMap,
    request: &str,
    act: F,
) -> Response
where
    F: std::future::Future<Output = Result<Answer, RestError>>,
{
    let Some(key) = headers.get("idempotency-key") else {
        return act.await.into_response();
    };
    let visible = |key: &[u8]| key.iter().all(|b| (0x21..=0x7e).contains(b));
    let key = match key.as_bytes() {
        bytes if (1..=255).contains(&bytes.len()) && visible(bytes) => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        _ => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
                "The Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID."
                    .into(),
            )
        }
    };
    let request_hash = token_hash(request);
    match claim(state, token_id, &key, &request_hash).await {
        Ok(Claim::Ours) => {}
        Ok(Claim::Answered(row)) if row.request_hash != request_hash => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "This Idempotency-Key was sent before with a different request: use a new key \
                 for a new request."
                    .into(),
            )
        }
        Ok(Claim::Answered(row)) if row.status_code == 0 => {
            return problem(
                StatusCode::CONFLICT,
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being answered: retry in a moment."
                    .into(),
            )
        }
        Ok(Claim::Answered(row)) => {
            let mut response = Answer {
                status: StatusCode::from_u16(row.status_code as u16).unwrap_or(StatusCode::OK),
                location: row.location,
                body: row
                    .response_body
                    .and_then(|b| serde_json::from_str(&b).ok())
                    .unwrap_or(serde_json::Value::Null),
            }
            .into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return response;
        }
        Err(e) => return RestError::from(e).into_response(),
    }
    let result = act.await;
    let kept = match &result {
        Ok(answer) => idempotency_key::Entity::update_many()
            .col_expr(
                idempotency_key::Column::StatusCode,
                Expr::value(i32::from(answer.status.as_u16())),
            )
            .col_expr(
                idempotency_key::Column::Location,
                Expr::value(answer.location.clone()),
            )
            .col_expr(
                idempotency_key::Column::ResponseBody,
                Expr::value(Some(answer.body.to_string())),
            )
            .filter(idempotency_key::Column::TokenId.eq(token_id))
            .filter(idempotency_key::Column::IdempotencyKey.eq(key.as_str()))
            .exec(&state.db)
            .await
            .map(|_| ()),
        // Nothing was done: the key is free for the retry.
        Err(_) => idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::TokenId.eq(token_id))
            .filter(idempotency_key::Column::IdempotencyKey.eq(key.as_str()))
            .exec(&state.db)
            .await
            .map(|_| ()),
    };
    if let Err(e) = kept {
        tracing::error!("could not keep the answer of an idempotent request: {e}");
    }
    result.into_response()
}

enum Claim {
    Ours,
    Answered(idempotency_key::Model),
}

async fn claim(
    state: &AppState,
    token_id: i32,
    key: &str,
    request_hash: &str,
) -> Result<Claim, sea_orm::DbErr> {
    let now = Utc::now();
    for _ in 0..2 {
        let inserted = idempotency_key::ActiveModel {
            token_id: Set(token_id),
            idempotency_key: Set(key.to_owned()),
            request_hash: Set(request_hash.to_owned()),
            status_code: Set(0),
            location: Set(None),
            response_body: Set(None),
            created_at: Set(now),
        }
        .insert(&state.db)
        .await;
        match inserted {
            Ok(_) => return Ok(Claim::Ours),
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e),
        }
        let existing = idempotency_key::Entity::find_by_id((token_id, key.to_owned()))
            .one(&state.db)
            .await?;
        match existing {
            // A first request that never finished (cut off by the request timeout, a client
            // that went away, a crash): after this long its claim is abandoned.
            Some(row) if row.status_code == 0 && row.created_at + ABANDONED_AFTER <= now => {
                idempotency_key::Entity::delete_many()
                    .filter(idempotency_key::Column::TokenId.eq(token_id))
                    .filter(idempotency_key::Column::IdempotencyKey.eq(key))
                    .filter(idempotency_key::Column::StatusCode.eq(0))
                    .filter(idempotency_key::Column::CreatedAt.eq(row.created_at))
                    .exec(&state.db)
                    .await?;
            }
            Some(row) if row.created_at + KEPT_FOR > now => return Ok(Claim::Answered(row)),
            // Past its time: forget it and claim the key afresh.
            _ => {
                idempotency_key::Entity::delete_many()
                    .filter(idempotency_key::Column::TokenId.eq(token_id))
                    .filter(idempotency_key::Column::IdempotencyKey.eq(key))
                    .filter(idempotency_key::Column::CreatedAt.lte(now - KEPT_FOR))
                    .exec(&state.db)
                    .await?;
            }
        }
    }
    Err(sea_orm::DbErr::Custom(
        "an idempotency key could not be claimed".into(),
    ))
}
