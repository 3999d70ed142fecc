//! The developer's side of an invitation: what its link says, and completing the registration.

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set,
};

use super::{condition_filter, effective, InvitationError};
use crate::{
    domain::{
        decide,
        invitation::{stored_condition_for_action, AccountChange},
        webhook::EventType,
        FullName, InvitationAction, InvitationStatus, LinkState, NewPassword, Password,
        PasswordPolicy, Role, StoredStatus,
    },
    model::{
        audit::AuditAction,
        invitation::{CompletionOutcome, InvitationLanding},
    },
    ssr::{
        auth::password,
        db::begin_write,
        entities::{account, invitation},
        random::token_hash,
        services::{audit, domain_rules, outbox, search_index, settings},
        webhooks,
    },
};

/// A token as links carry it: 64 hex characters. Anything else is not looked up.
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The invitation a link's token opens: its own token, or its reminder's (both work until
/// the invitation is used).
pub(crate) async fn find_by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<invitation::Model>, InvitationError> {
    if !well_formed(token) {
        return Ok(None);
    }
    let hash = token_hash(&token.to_ascii_lowercase());
    Ok(invitation::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(invitation::Column::TokenHash.eq(hash.clone()))
                .add(invitation::Column::ReminderTokenHash.eq(hash)),
        )
        .one(db)
        .await?)
}

/// What the link's page should say. Reading never changes the invitation's state; the first
/// opening of a usable link is noted for the dashboard (a conditional update, once).
pub async fn landing(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<InvitationLanding, InvitationError> {
    let Some(model) = find_by_token(db, token).await? else {
        return Ok(InvitationLanding {
            state: LinkState::Unknown,
            email: None,
            self_sign_up: false,
            suggested_name: None,
        });
    };
    let state = LinkState::from_status(effective(&model, now)?);
    let usable = state.is_usable();
    if usable && model.first_opened_at.is_none() {
        // Only a figure on the dashboard: a database that cannot take the write (read-only,
        // full) must not keep the developer from their page.
        let noted = invitation::Entity::update_many()
            .col_expr(invitation::Column::FirstOpenedAt, Expr::value(now))
            .filter(invitation::Column::Id.eq(model.id))
            .filter(invitation::Column::FirstOpenedAt.is_null())
            .exec(db)
            .await;
        if let Err(e) = noted {
            tracing::warn!(
                invitation_id = model.id,
                "could not note the link's opening: {e}"
            );
        }
    }
    Ok(InvitationLanding {
        state,
        email: usable.then(|| model.email.clone()),
        self_sign_up: is_sign_up(&model),
        suggested_name: model.sign_up_full_name.clone().filter(|_| usable),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    pub outcome: CompletionOutcome,
    pub account_id: i32,
    /// The address the account was registered with (the invitation's).
    pub email: String,
}

/// Checks the form against the portal's password policy: every problem is reported, not
/// only the first.
pub(crate) fn check_form(
    full_name: &str,
    candidate: &str,
    confirmation: &str,
    policy: PasswordPolicy,
) -> Result<(FullName, Password), InvitationError> {
    let name = FullName::parse(full_name);
    let password = NewPassword::parse(candidate, confirmation, policy);
    match (name, password) {
        (Ok(name), Ok(password)) => Ok((name, password.into_password())),
        (name, password) => {
            let mut problems = Vec::new();
            if let Err(e) = name {
                problems.push(super::invite::sentence(&e.to_string()));
            }
            if let Err(e) = password {
                problems.extend(e.sentences("password"));
            }
            Err(InvitationError::InvalidInput(problems.join(" ")))
        }
    }
}

/// Creates (or, for a developer invited again after a denial, updates) the account and uses
/// the invitation up. Exactly one of any number of concurrent calls with one token succeeds.
pub async fn complete(
    db: &DatabaseConnection,
    token: &str,
    full_name: &str,
    candidate: &str,
    confirmation: &str,
    now: DateTime<Utc>,
) -> Result<Completed, InvitationError> {
    let policy = settings::load(db).await?.password_policy;
    let (name, password) = check_form(full_name, candidate, confirmation, policy)?;
    // Check the link before the (slow) hashing, and hash outside the write transaction.
    let model = usable_link(db, token, now).await?;
    let password_hash = password::hash(password.expose().to_owned())
        .await
        .map_err(InvitationError::Internal)?;
    finish(db, &model, name.as_str(), password_hash, now).await
}

/// Whether an invitation row is a self sign-up (made by the developer at `/signup`, or an
/// admin's resend of one) rather than an admin's invitation.
pub(crate) fn is_sign_up(model: &invitation::Model) -> bool {
    model.origin == crate::model::invitation::Origin::SelfRegistration.as_str()
}

/// The invitation behind a link that can still be used, or why it cannot.
async fn usable_link(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<invitation::Model, InvitationError> {
    let Some(model) = find_by_token(db, token).await? else {
        return Err(InvitationError::Link(LinkState::Unknown));
    };
    let status = effective(&model, now)?;
    decide(status, InvitationAction::Complete, model.pre_approved)
        .map_err(|_| InvitationError::Link(LinkState::from_status(status)))?;
    Ok(model)
}

/// Uses the invitation up and creates (or updates) its account, in one transaction.
async fn finish(
    db: &DatabaseConnection,
    model: &invitation::Model,
    full_name: &str,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Completed, InvitationError> {
    let link_refused = |state: LinkState| InvitationError::Link(state);
    let txn = begin_write(db).await?;
    // An allow rule on the address's domain approves a registration that would otherwise wait
    // for a review (the audit entry names the rule).
    let allowed_by = match (
        model.pre_approved,
        crate::domain::Email::parse(&model.email),
    ) {
        (false, Ok(email)) => domain_rules::load(&txn)
            .await?
            .allowing(&email)
            .map(|rule| rule.to_string()),
        _ => None,
    };
    let transition = decide(
        InvitationStatus::Pending,
        InvitationAction::Complete,
        model.pre_approved || allowed_by.is_some(),
    )
    .map_err(InvitationError::Refused)?;
    let active = matches!(transition.account, AccountChange::Register { active: true });
    let to = if active {
        StoredStatus::Approved
    } else {
        StoredStatus::Waiting
    };
    // Waiting stays "live": no second invitation to this address while it awaits review.
    let live = (!active).then(|| model.email_normalized.clone());
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value(to.as_str()))
        .col_expr(invitation::Column::LiveEmail, Expr::value(live))
        .col_expr(invitation::Column::CompletedAt, Expr::value(now))
        // The name suggested at sign-up has served its purpose: the account holds one now.
        .col_expr(
            invitation::Column::SignUpFullName,
            Expr::value(None::<String>),
        )
        .filter(invitation::Column::Id.eq(model.id))
        .filter(condition_filter(
            stored_condition_for_action(InvitationAction::Complete),
            now,
        ))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        // Someone used, replaced or deleted the link a moment ago: say what it is now.
        drop(txn);
        let current = invitation::Entity::find_by_id(model.id).one(db).await?;
        let state = match current {
            Some(current) => LinkState::from_status(effective(&current, now)?),
            None => LinkState::Unknown,
        };
        return Err(link_refused(state));
    }
    search_index::restatus(&txn, &search_index::Entry::from(model), to).await?;
    // Registered with a link that still worked: a request for a new one is answered.
    super::requests::settle(&txn, &model.email_normalized, None, now).await?;

    // The account gets the invitation's role (an admin's invitation makes an admin).
    let role = Role::parse(&model.role).unwrap_or(Role::Developer);
    let existing = account::Entity::find()
        .filter(account::Column::EmailNormalized.eq(model.email_normalized.clone()))
        .one(&txn)
        .await?;
    let account_id = match existing {
        Some(existing) if existing.active => return Err(link_refused(LinkState::AlreadyUsed)),
        Some(existing) => {
            // Only a denied registration is taken over by a new one; never a deactivated
            // account (that is the admins' to reactivate).
            super::require_denied(&txn, &existing).await?;
            let mut update: account::ActiveModel = existing.into();
            update.full_name = Set(full_name.to_owned());
            update.password_hash = Set(password_hash);
            update.active = Set(active);
            update.role = Set(role.as_str().to_owned());
            update.update(&txn).await?.id
        }
        None => {
            account::ActiveModel {
                email: Set(model.email.clone()),
                email_normalized: Set(model.email_normalized.clone()),
                full_name: Set(full_name.to_owned()),
                password_hash: Set(password_hash),
                role: Set(role.as_str().to_owned()),
                active: Set(active),
                created_at: Set(now),
                must_change_password: Set(false),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AccountId, Expr::value(account_id))
        .filter(invitation::Column::Id.eq(model.id))
        .exec(&txn)
        .await?;
    if !active {
        notify_admins(&txn, &model.email, full_name, now).await?;
    }
    audit::record(
        &txn,
        audit::Actor::of(account_id, &model.email),
        AuditAction::Completed,
        Some(&model.email),
        true,
        Some(&match (&allowed_by, active) {
            (Some(rule), _) => format!("approved automatically by {rule}"),
            (None, true) => "approved".to_owned(),
            (None, false) => "waiting for review".to_owned(),
        }),
        now,
    )
    .await?;
    // The developer registered: approved at once (pre-approved), or waiting for a review.
    let (event, status) = if active {
        (EventType::InvitationApproved, "approved")
    } else {
        (EventType::InvitationRegistered, "waiting")
    };
    let mut data = webhooks::invitation_data(model, status);
    data["developer"] = serde_json::json!({ "id": account_id, "full_name": full_name });
    if is_sign_up(model) {
        webhooks::emit(
            &txn,
            EventType::SignupConfirmed,
            &model.email,
            data.clone(),
            now,
        )
        .await?;
    }
    webhooks::emit(&txn, event, &model.email, data, now).await?;
    txn.commit().await?;
    let outcome = if active {
        CompletionOutcome::Approved
    } else {
        CompletionOutcome::Waiting
    };
    Ok(Completed {
        outcome,
        account_id,
        email: model.email.clone(),
    })
}

/// Queues a "registration waiting for review" email to every active admin.
async fn notify_admins(
    txn: &impl ConnectionTrait,
    developer_email: &str,
    developer_name: &str,
    now: DateTime<Utc>,
) -> Result<(), InvitationError> {
    let admins = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin.as_str()))
        .filter(account::Column::Active.eq(true))
        .all(txn)
        .await?;
    let message = outbox::Message::AdminReviewNeeded {
        developer_email: developer_email.to_owned(),
        developer_name: developer_name.to_owned(),
    };
    for admin in admins {
        outbox::enqueue(txn, &admin.email, None, &message, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
