//! The admin's actions on one invitation: resend, delete, review (accept / deny).

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::{condition_filter, effective, insert_pending, row_for, InvitationError, NewInvitation};
use crate::{
    domain::{
        decide,
        invitation::{stored_condition_for_action, RowChange},
        webhook::EventType,
        DecisionReason, InvitationAction, InvitationStatus, StoredStatus,
    },
    model::{
        audit::AuditAction,
        invitation::{InvitationRow, Origin, ReviewDecision},
    },
    ssr::{
        auth::session,
        db::{begin_write, is_unique_violation, retrying_deadlocks},
        entities::{account, invitation},
        services::{audit, operator::Operator, outbox, search_index, settings},
        webhooks, AppState,
    },
};

/// Reads the invitation and asks the domain whether `action` is allowed from its status now.
async fn load_for(
    txn: &impl ConnectionTrait,
    id: i32,
    action: InvitationAction,
    now: DateTime<Utc>,
) -> Result<(invitation::Model, RowChange), InvitationError> {
    let model = invitation::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(InvitationError::NotFound)?;
    let transition = decide(effective(&model, now)?, action, model.pre_approved)
        .map_err(InvitationError::Refused)?;
    Ok((model, transition.row))
}

/// The row's stored status becomes `to`, only if it is still in a status `action` starts
/// from; otherwise someone else changed it first.
async fn change_status(
    txn: &impl ConnectionTrait,
    row: &invitation::Model,
    action: InvitationAction,
    to: StoredStatus,
    keep_live: Option<String>,
    decided_by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), InvitationError> {
    let mut update = invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value(to.as_str()))
        .col_expr(invitation::Column::LiveEmail, Expr::value(keep_live));
    if let Some(admin) = decided_by {
        update = update
            .col_expr(invitation::Column::DecidedBy, Expr::value(admin))
            .col_expr(invitation::Column::DecidedAt, Expr::value(now));
    }
    let result = update
        .filter(invitation::Column::Id.eq(row.id))
        .filter(condition_filter(stored_condition_for_action(action), now))
        .exec(txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(InvitationError::ChangedMeanwhile);
    }
    search_index::restatus(txn, &search_index::Entry::from(row), to).await?;
    Ok(())
}

/// Inactivates the invitation and sends a new one (new token, new validity window) to the
/// same address, keeping its pre-approval.
pub async fn resend(
    state: &AppState,
    operator: Operator<'_>,
    id: i32,
    now: DateTime<Utc>,
) -> Result<InvitationRow, InvitationError> {
    retrying_deadlocks(|| async move {
        let txn = begin_write(&state.db).await?;
        let created = resend_in(&txn, &state.settings.public_url, operator, id, now).await?;
        let row = row_for(&txn, &created, now).await?;
        txn.commit().await?;
        Ok(row)
    })
    .await
}

/// [`resend`] in the caller's transaction; returns the new invitation. A request for a new
/// invitation from the address, if one waits, is granted by it.
pub(crate) async fn resend_in(
    txn: &impl ConnectionTrait,
    public_url: &str,
    operator: Operator<'_>,
    id: i32,
    now: DateTime<Utc>,
) -> Result<invitation::Model, InvitationError> {
    let (old, _) = load_for(txn, id, InvitationAction::Resend, now).await?;
    if effective(&old, now)? == InvitationStatus::Rejected {
        // Resending a denied registration invites the developer again; only while the account
        // is still that denied registration (not since approved, or deactivated).
        super::require_denied_account(txn, &old.email_normalized).await?;
    }
    super::refuse_denied_domain(txn, &old.email).await?;
    change_status(
        txn,
        &old,
        InvitationAction::Resend,
        StoredStatus::Inactivated,
        None,
        None,
        now,
    )
    .await?;
    outbox::drop_queued_for_invitation(txn, id).await?;
    let validity = settings::load(txn).await?.validity;
    let created = insert_pending(
        txn,
        NewInvitation {
            email: &old.email,
            email_normalized: &old.email_normalized,
            // An unconfirmed sign-up stays one; anything else resent is the admin's invitation.
            origin: if super::registration::is_sign_up(&old) && old.account_id.is_none() {
                Origin::SelfRegistration
            } else {
                Origin::Invited
            },
            invited_by: operator.invited_by(),
            pre_approved: old.pre_approved,
            role: crate::domain::Role::parse(&old.role).unwrap_or(crate::domain::Role::Developer),
            validity,
            // Its holder was just sent a fresh link: a resent invitation gets no reminder.
            reminder: crate::domain::ReminderLead::OFF,
            supersedes: Some(old.id),
            public_url,
            // A resent invitation still suggests the name given at sign-up or in an import.
            suggested_name: old.sign_up_full_name.as_deref(),
        },
        now,
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            // Another live invitation to this address appeared meanwhile.
            InvitationError::ChangedMeanwhile
        } else {
            e.into()
        }
    })?;
    audit::record(
        txn,
        operator.actor(),
        AuditAction::Resent,
        Some(&old.email),
        true,
        None,
        now,
    )
    .await?;
    let mut data = webhooks::invitation_data(&created, "pending");
    data["replaces"] = old.id.into();
    webhooks::emit(txn, EventType::InvitationResent, &created.email, data, now).await?;
    Ok(created)
}

/// Deletes a Pending or Expired invitation; its queued email is dropped and its link dies.
pub async fn delete(
    db: &DatabaseConnection,
    operator: Operator<'_>,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), InvitationError> {
    retrying_deadlocks(|| async move {
        let txn = begin_write(db).await?;
        let (deleted, _) = load_for(&txn, id, InvitationAction::Delete, now).await?;
        let result = invitation::Entity::delete_many()
            .filter(invitation::Column::Id.eq(id))
            .filter(condition_filter(
                stored_condition_for_action(InvitationAction::Delete),
                now,
            ))
            .exec(&txn)
            .await?;
        if result.rows_affected == 0 {
            return Err(InvitationError::ChangedMeanwhile);
        }
        search_index::remove(&txn, &search_index::Entry::from(&deleted)).await?;
        outbox::drop_queued_for_invitation(&txn, id).await?;
        super::requests::withdraw(&txn, &deleted.email_normalized, operator.account_id(), now)
            .await?;
        audit::record(
            &txn,
            operator.actor(),
            AuditAction::Deleted,
            Some(&deleted.email),
            true,
            None,
            now,
        )
        .await?;
        let data = webhooks::invitation_data(&deleted, "deleted");
        webhooks::emit(
            &txn,
            EventType::InvitationDeleted,
            &deleted.email,
            data,
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    })
    .await
}

/// Accepts (the account becomes active) or denies (it stays inactive) a Waiting registration,
/// and queues the email that tells the developer. A denial may carry the admin's reason
/// (`reason`, as typed: blank is none): it is quoted in that email, recorded in the audit log
/// and kept on the invitation. Nothing is queued unless the decision is taken.
pub async fn review(
    db: &DatabaseConnection,
    operator: Operator<'_>,
    id: i32,
    decision: ReviewDecision,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<InvitationRow, InvitationError> {
    let reason = DecisionReason::parse(reason.unwrap_or_default())
        .map_err(|e| InvitationError::InvalidInput(e.to_string()))?;
    let action = match decision {
        ReviewDecision::Accept if reason.is_some() => {
            return Err(InvitationError::InvalidInput(
                "A reason is only sent with a denial: clear it to accept the registration.".into(),
            ))
        }
        ReviewDecision::Accept => InvitationAction::Accept,
        ReviewDecision::Deny => InvitationAction::Deny,
    };
    let reason = reason.as_ref();
    retrying_deadlocks(|| async move {
        let txn = begin_write(db).await?;
        let (model, row_change) = load_for(&txn, id, action, now).await?;
        let RowChange::Becomes(to) = row_change else {
            return Err(InvitationError::Internal("a review keeps the row".into()));
        };
        change_status(&txn, &model, action, to, None, operator.account_id(), now).await?;
        let approved = decision == ReviewDecision::Accept;
        if let Some(reason) = &reason {
            invitation::Entity::update_many()
                .col_expr(
                    invitation::Column::DecisionReason,
                    Expr::value(reason.as_str()),
                )
                .filter(invitation::Column::Id.eq(id))
                .exec(&txn)
                .await?;
        }
        let mut full_name = String::new();
        if let Some(account_id) = model.account_id {
            account::Entity::update_many()
                .col_expr(account::Column::Active, Expr::value(approved))
                .filter(account::Column::Id.eq(account_id))
                .exec(&txn)
                .await?;
            if !approved {
                session::end_all_for_account_in(&txn, account_id).await?;
            }
            if let Some(developer) = account::Entity::find_by_id(account_id).one(&txn).await? {
                full_name = developer.full_name;
            }
        }
        // Not tied to the invitation (`None`): a resend or delete after the decision must not
        // drop the news of it.
        let message = outbox::Message::RegistrationDecision {
            approved,
            full_name,
            reason: reason.map(|r| r.as_str().to_owned()),
        };
        outbox::enqueue(&txn, &model.email, None, &message, now).await?;
        let audited = if approved {
            AuditAction::Accepted
        } else {
            AuditAction::Denied
        };
        audit::record(
            &txn,
            operator.actor(),
            audited,
            Some(&model.email),
            true,
            reason.map(DecisionReason::as_str),
            now,
        )
        .await?;
        let updated = invitation::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(InvitationError::NotFound)?;
        let row = row_for(&txn, &updated, now).await?;
        let (event, status) = if approved {
            (EventType::InvitationApproved, "approved")
        } else {
            (EventType::InvitationRejected, "rejected")
        };
        let mut data = webhooks::invitation_data(&updated, status);
        if let Some(reason) = &reason {
            data["reason"] = reason.as_str().into();
        }
        webhooks::emit(&txn, event, &updated.email, data, now).await?;
        txn.commit().await?;
        Ok(row)
    })
    .await
}
