//! Self sign-up (when the settings allow it): the developer gives an email address and a name;
//! a Pending self-registration holds the name until the emailed link is opened, and the
//! password is chosen there, by whoever can read that mailbox. No password is taken at
//! sign-up: otherwise a stranger could sign up with someone else's address and their own
//! password, and the owner's click on "confirm" would hand the stranger the account
//! (pre-hijacking). The answer is the same whether or not the address is known (no account
//! enumeration): an address that already has an account or an invitation is told so by email
//! instead.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    effective, insert_pending, invite::supersede_pending, registration::is_sign_up,
    InvitationError, NewInvitation,
};
use crate::{
    domain::{Email, FullName, InvitationStatus, SelfRegistration},
    model::{audit::AuditAction, invitation::Origin},
    ssr::{
        db::{begin_write, is_unique_violation},
        entities::{account, invitation},
        services::{
            audit, domain_rules,
            outbox::{self, Message, SignUpNoticeReason},
            settings,
        },
        AppState,
    },
};

/// Signs a developer up. `Ok` means "check your inbox" whatever the address's history.
pub async fn sign_up(
    state: &AppState,
    email: &str,
    full_name: &str,
    now: DateTime<Utc>,
) -> Result<(), InvitationError> {
    let current = settings::load(&state.db).await?;
    if current.self_registration == SelfRegistration::Off {
        return Err(InvitationError::SignUpClosed);
    }
    let (email, name) = match (Email::parse(email), FullName::parse(full_name)) {
        (Ok(email), Ok(name)) => (email, name),
        (email, name) => {
            let mut problems = Vec::new();
            if let Err(e) = email {
                problems.push(super::invite::sentence(&format!("the email address: {e}")));
            }
            if let Err(e) = name {
                problems.push(super::invite::sentence(&e.to_string()));
            }
            return Err(InvitationError::InvalidInput(problems.join(" ")));
        }
    };

    let txn = begin_write(&state.db).await?;
    let settings = settings::load(&txn).await?;
    if let Some(rule) = domain_rules::load(&txn).await?.denying(&email) {
        let rule = rule.to_string();
        record(
            &txn,
            email.as_str(),
            false,
            &format!("refused by {rule}"),
            now,
        )
        .await?;
        txn.commit().await?;
        return Err(InvitationError::DomainDenied(rule));
    }
    let normalized = email.normalized();
    let notice = |reason| Message::SignUpNotice { reason };
    if let Some(existing) = account::Entity::find()
        .filter(account::Column::EmailNormalized.eq(normalized.clone()))
        .one(&txn)
        .await?
    {
        let message = notice(SignUpNoticeReason::AlreadyRegistered);
        outbox::enqueue(&txn, &existing.email, None, &message, now).await?;
        record(
            &txn,
            email.as_str(),
            false,
            "the address already has an account: notice sent",
            now,
        )
        .await?;
        txn.commit().await?;
        return Ok(());
    }
    let mut supersedes = None;
    if let Some(live) = invitation::Entity::find()
        .filter(invitation::Column::LiveEmail.eq(normalized.clone()))
        .one(&txn)
        .await?
    {
        let status = effective(&live, now)?;
        let own_sign_up = is_sign_up(&live);
        // A sign-up repeated before its link was confirmed (or after it expired) replaces
        // the earlier one; an admin's live invitation or a registration under review stays.
        if status == InvitationStatus::Expired
            || (status == InvitationStatus::Pending && own_sign_up)
        {
            supersede_pending(&txn, live.id).await?;
            supersedes = Some(live.id);
        } else {
            let message = notice(SignUpNoticeReason::AlreadyInvited);
            outbox::enqueue(&txn, &live.email, None, &message, now).await?;
            record(
                &txn,
                email.as_str(),
                false,
                "the address already has an invitation: notice sent",
                now,
            )
            .await?;
            txn.commit().await?;
            return Ok(());
        }
    }
    insert_pending(
        &txn,
        NewInvitation {
            email: email.as_str(),
            email_normalized: &normalized,
            origin: Origin::SelfRegistration,
            invited_by: None,
            pre_approved: settings.self_registration == SelfRegistration::Automatic,
            role: crate::domain::Role::Developer,
            validity: settings.validity,
            reminder: settings.reminder,
            supersedes,
            public_url: &state.settings.public_url,
            suggested_name: Some(name.as_str()),
        },
        now,
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            InvitationError::ChangedMeanwhile
        } else {
            e.into()
        }
    })?;
    record(&txn, email.as_str(), true, "confirmation link sent", now).await?;
    txn.commit().await?;
    Ok(())
}

async fn record(
    txn: &impl sea_orm::ConnectionTrait,
    email: &str,
    succeeded: bool,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), InvitationError> {
    audit::record(
        txn,
        audit::Actor::ANONYMOUS,
        AuditAction::SignedUp,
        Some(email),
        succeeded,
        Some(detail),
        now,
    )
    .await?;
    Ok(())
}
