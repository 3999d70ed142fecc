//! "Request a new invitation" from an expired or replaced link (docs/reminders-and-requests.md):
//! the request is stored for the admins, or granted at once when the address is still
//! invited and the settings allow it; an admin grants it with a resend or declines it. The
//! rules are `domain::link_request`'s; one request waits per address, by a unique column.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    prelude::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::{actions::resend_in, effective, registration::find_by_token, InvitationError};
use crate::{
    domain::{
        link_request::{plan_request, RequestPlan, RequestStatus, REQUEST_WINDOW_DAYS},
        LinkState,
    },
    model::{
        account::SessionUser,
        audit::AuditAction,
        link_request::{
            LinkRequestRow, LinkRequests, RequestAnswer, RequestedInvitation, LINK_REQUESTS_SHOWN,
        },
    },
    ssr::{
        db::{begin_write, is_unique_violation},
        entities::{invitation, link_request},
        services::{audit, operator::Operator, settings},
        AppState,
    },
};

/// The invitation an address has now: its live one (the one a resend replaces), else its
/// newest (used by a registration, or replaced by one since deleted), if any.
async fn current_invitation(
    db: &impl ConnectionTrait,
    email_normalized: &str,
) -> Result<Option<invitation::Model>, sea_orm::DbErr> {
    let live = invitation::Entity::find()
        .filter(invitation::Column::LiveEmail.eq(email_normalized))
        .one(db)
        .await?;
    match live {
        Some(live) => Ok(Some(live)),
        None => {
            invitation::Entity::find()
                .filter(invitation::Column::EmailNormalized.eq(email_normalized))
                .order_by_desc(invitation::Column::Id)
                .one(db)
                .await
        }
    }
}

/// The holder of `token` asks for a new invitation.
pub async fn request(
    state: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<RequestAnswer, InvitationError> {
    let txn = begin_write(&state.db).await?;
    let Some(link) = find_by_token(&txn, token).await? else {
        return Err(InvitationError::Link(LinkState::Unknown));
    };
    let link_state = LinkState::from_status(effective(&link, now)?);
    let current = current_invitation(&txn, &link.email_normalized).await?;
    let current_status = current.as_ref().map(|c| effective(c, now)).transpose()?;
    let waiting = link_request::Entity::find()
        .filter(link_request::Column::WaitingEmail.eq(link.email_normalized.as_str()))
        .count(&txn)
        .await?
        > 0;
    let recent = link_request::Entity::find()
        .filter(link_request::Column::EmailNormalized.eq(link.email_normalized.as_str()))
        .filter(link_request::Column::RequestedAt.gt(now - Duration::days(REQUEST_WINDOW_DAYS)))
        .count(&txn)
        .await?;
    let auto_resend = settings::load(&txn).await?.auto_resend_requests;
    let plan = plan_request(link_state, current_status, waiting, recent, auto_resend)
        .map_err(InvitationError::RequestRefused)?;
    let Some(current) = current else {
        // `plan_request` refuses an address without a current invitation.
        return Err(InvitationError::Internal(
            "a request without an invitation".into(),
        ));
    };
    super::refuse_denied_domain(&txn, &current.email).await?;
    let status = match plan {
        RequestPlan::AlreadyWaiting => return Ok(RequestAnswer(plan)),
        RequestPlan::Wait => RequestStatus::Waiting,
        RequestPlan::ResendNow => {
            resend_in(
                &txn,
                &state.settings.public_url,
                Operator::Portal,
                current.id,
                now,
            )
            .await?;
            RequestStatus::Granted
        }
    };
    let stored = link_request::ActiveModel {
        invitation_id: Set(Some(current.id)),
        email: Set(current.email.clone()),
        email_normalized: Set(current.email_normalized.clone()),
        status: Set(status.as_str().to_owned()),
        waiting_email: Set(
            (status == RequestStatus::Waiting).then(|| current.email_normalized.clone())
        ),
        requested_at: Set(now),
        decided_at: Set((status == RequestStatus::Granted).then_some(now)),
        decided_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match stored {
        Ok(_) => {}
        // A second tab (or replica) stored the same address's request a moment ago.
        Err(e) if is_unique_violation(&e) => {
            return Ok(RequestAnswer(RequestPlan::AlreadyWaiting));
        }
        Err(e) => return Err(e.into()),
    }
    let detail = match status {
        RequestStatus::Granted => {
            "from an expired or replaced link; the address was still invited, so a new \
             invitation was sent automatically"
        }
        _ => "from an expired or replaced link; waiting for an administrator",
    };
    audit::record(
        &txn,
        audit::Actor::ANONYMOUS,
        AuditAction::NewInvitationRequested,
        Some(&current.email),
        true,
        Some(detail),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(RequestAnswer(plan))
}

/// The update that answers requests: `status`, by the account `by` (none: the portal), at
/// `now`; the request no longer holds its address's waiting place.
fn answer(
    status: RequestStatus,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> sea_orm::UpdateMany<link_request::Entity> {
    link_request::Entity::update_many()
        .col_expr(link_request::Column::Status, Expr::value(status.as_str()))
        .col_expr(
            link_request::Column::WaitingEmail,
            Expr::value(Option::<String>::None),
        )
        .col_expr(link_request::Column::DecidedAt, Expr::value(now))
        .col_expr(link_request::Column::DecidedBy, Expr::value(by))
}

/// Marks the address's waiting request, if any, granted: called for every new invitation
/// (a resend, an invite, an import, a sign-up; from the console, the REST API or the command
/// line) and every registration, so nobody answers the same developer twice and no request
/// outlives its reason. `by` is the admin, if one acted.
pub(crate) async fn settle(
    txn: &impl ConnectionTrait,
    email_normalized: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    answer(RequestStatus::Granted, by, now)
        .filter(link_request::Column::WaitingEmail.eq(email_normalized))
        .exec(txn)
        .await?;
    Ok(())
}

/// Declines the address's waiting request, if any: its invitation was deleted by `by`, so
/// there is nothing left to resend.
pub(crate) async fn withdraw(
    txn: &impl ConnectionTrait,
    email_normalized: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    answer(RequestStatus::Declined, by, now)
        .filter(link_request::Column::WaitingEmail.eq(email_normalized))
        .exec(txn)
        .await?;
    Ok(())
}

/// The waiting requests, oldest first, each with its address's current invitation.
pub async fn waiting(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<LinkRequests, InvitationError> {
    let count = waiting_count(db).await?;
    let requests = link_request::Entity::find()
        .filter(link_request::Column::Status.eq(RequestStatus::Waiting.as_str()))
        .order_by_asc(link_request::Column::RequestedAt)
        .order_by_asc(link_request::Column::Id)
        .limit(LINK_REQUESTS_SHOWN)
        .all(db)
        .await?;
    // Each address's current invitation: its live one, else the one asked about.
    let mut invitations: std::collections::HashMap<String, invitation::Model> =
        invitation::Entity::find()
            .filter(invitation::Column::Id.is_in(requests.iter().filter_map(|r| r.invitation_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.email_normalized.clone(), m))
            .collect();
    invitations.extend(
        invitation::Entity::find()
            .filter(
                invitation::Column::LiveEmail
                    .is_in(requests.iter().map(|r| r.email_normalized.clone())),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.email_normalized.clone(), m)),
    );
    let mut rows = Vec::with_capacity(requests.len());
    for request in requests {
        let invitation = match invitations.get(&request.email_normalized) {
            Some(model) => Some(RequestedInvitation {
                id: model.id,
                status: effective(model, now)?,
                valid_until: model.valid_until,
            }),
            None => None, // Deleted: nothing to resend, the admin declines it.
        };
        rows.push(LinkRequestRow {
            id: request.id,
            email: request.email,
            requested_at: request.requested_at,
            invitation,
        });
    }
    Ok(LinkRequests {
        rows,
        waiting: count,
    })
}

/// How many requests wait (the navigation's badge).
pub async fn waiting_count(db: &DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    link_request::Entity::find()
        .filter(link_request::Column::Status.eq(RequestStatus::Waiting.as_str()))
        .count(db)
        .await
}

/// Reads a waiting request, or says why it cannot be acted on.
async fn waiting_request(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<link_request::Model, InvitationError> {
    let request = link_request::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(InvitationError::NotFound)?;
    if request.status != RequestStatus::Waiting.as_str() {
        return Err(InvitationError::ChangedMeanwhile);
    }
    Ok(request)
}

/// Grants a waiting request: the address's current invitation is resent (which settles the
/// request, see [`settle`]).
pub async fn grant(
    state: &AppState,
    operator: Operator<'_>,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), InvitationError> {
    let txn = begin_write(&state.db).await?;
    let request = waiting_request(&txn, id).await?;
    // Claimed first, conditionally: a decline (or grant) committed meanwhile wins, and this
    // one is rolled back whole.
    let claimed = answer(RequestStatus::Granted, operator.account_id(), now)
        .filter(link_request::Column::Id.eq(id))
        .filter(link_request::Column::Status.eq(RequestStatus::Waiting.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(InvitationError::ChangedMeanwhile);
    }
    let current = current_invitation(&txn, &request.email_normalized)
        .await?
        .ok_or(InvitationError::NotFound)?;
    resend_in(&txn, &state.settings.public_url, operator, current.id, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Declines a waiting request; the developer is not sent anything.
pub async fn decline(
    db: &DatabaseConnection,
    admin: &SessionUser,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), InvitationError> {
    let txn = begin_write(db).await?;
    let request = waiting_request(&txn, id).await?;
    let declined = answer(RequestStatus::Declined, Some(admin.id), now)
        .filter(link_request::Column::Id.eq(id))
        .filter(link_request::Column::Status.eq(RequestStatus::Waiting.as_str()))
        .exec(&txn)
        .await?;
    if declined.rows_affected == 0 {
        return Err(InvitationError::ChangedMeanwhile);
    }
    audit::record(
        &txn,
        audit::Actor::account(admin),
        AuditAction::NewInvitationDeclined,
        Some(&request.email),
        true,
        None,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
