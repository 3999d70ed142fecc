//! `GET /admin/invitations/export.csv`: the invitations list as a CSV download, for the
//! list's current search, status and sort. A plain route (a download is a link the browser
//! follows, not a server function's POST); it authenticates like every admin function, from
//! the session cookie, on the server.

use axum::{
    body::Body,
    extract::{Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use futures::StreamExt;
use serde::Deserialize;

use super::ApiError;
use crate::{
    model::account::SessionUser,
    ssr::{
        auth::session,
        services::invitations::{
            export::{csv_line, Pages, CSV_HEADER},
            ListQuery,
        },
        AppState,
    },
};

/// The list's own parameters, as its page's URL carries them.
#[derive(Debug, Deserialize)]
pub struct ExportParams {
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub descending: Option<bool>,
}

pub async fn invitations_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Response {
    match start(&state, &headers, params).await {
        Ok(response) => response,
        Err(error) => (error.status(), error.to_string()).into_response(),
    }
}

async fn start(
    state: &AppState,
    headers: &HeaderMap,
    params: ExportParams,
) -> Result<Response, ApiError> {
    let admin = admin_of(state, headers).await?;
    let query = ListQuery::parse(
        params.search,
        params.status,
        None,
        None,
        params.sort,
        params.descending,
        None,
    )?;
    tracing::info!(admin = admin.id, "exporting the invitations list as CSV");
    let pages = Pages::new(query);
    let db = state.db.clone();
    let now = Utc::now();
    // The header first, then one chunk per page; a failure midway ends the file early and is
    // logged (the status line is already sent).
    let body =
        futures::stream::once(async { Ok::<_, std::io::Error>(CSV_HEADER.to_owned()) }).chain(
            futures::stream::unfold((pages, db), move |(mut pages, db)| async move {
                match pages.next(&db, now).await {
                    Ok(Some(rows)) => {
                        let chunk: String = rows.iter().map(csv_line).collect();
                        Some((Ok(chunk), (pages, db)))
                    }
                    Ok(None) => None,
                    Err(e) => {
                        tracing::error!("the CSV export stopped early: {e}");
                        None
                    }
                }
            }),
        );
    let filename = format!(
        "attachment; filename=\"invitations-{}.csv\"",
        now.format("%Y-%m-%d")
    );
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&filename) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    *response.status_mut() = StatusCode::OK;
    Ok(response)
}

/// The signed-in, active admin of the request's session cookie, by the server functions' own
/// checks (`guard`).
async fn admin_of(state: &AppState, headers: &HeaderMap) -> Result<SessionUser, ApiError> {
    use super::guard::{account_of_session, admin_only, own_password_chosen};
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookies| session::token_from_cookies(&state.settings, cookies))
        .ok_or(ApiError::Unauthenticated)?;
    let user = account_of_session(state, &token)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    admin_only(own_password_chosen(user)?)
}
