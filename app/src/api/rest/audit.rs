//! `/api/v1/audit-events`: the audit log of Settings › Activity.

use axum::extract::State;

use super::{
    auth::Caller,
    extract::Query,
    problem::{RestError, RestResult},
    types::{AuditEvent, AuditPage, AuditQuery},
};
use crate::ssr::{services::audit, AppState};

/// Lists audit events, newest first, 50 a page.
#[utoipa::path(get, path = "/audit-events", operation_id = "listAuditEvents", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "One page of events", body = AuditPage)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    Query(query): Query<AuditQuery>,
) -> RestResult<axum::Json<AuditPage>> {
    let parsed = audit::ActivityQuery::parse(query.action, query.search, query.page)
        .map_err(RestError::invalid)?;
    let log = audit::list(&state.db, &parsed).await?;
    Ok(axum::Json(AuditPage {
        data: log.entries.into_iter().map(AuditEvent::from).collect(),
        total: log.total,
        page: log.page,
        page_size: log.page_size,
    }))
}
