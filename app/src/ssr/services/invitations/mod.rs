//! The invitation lifecycle on the database. The rules come from `domain::invitation`; every
//! change here is one transaction, and every status change is conditional on the status it
//! starts from (`UPDATE ... WHERE status IN (...)`), so a lost race changes nothing and is
//! reported as "changed meanwhile".

mod actions;
pub mod export;
pub mod import;
mod invite;
mod list;
mod registration;
mod sign_up;

pub use actions::{delete, resend, review};
pub use invite::invite;
pub(crate) use invite::sentence;
pub use list::{list, to_micros, ListQuery};
pub use registration::{complete, landing, Completed};
pub use sign_up::sign_up;
pub mod reminders;
pub mod requests;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use crate::{
    domain::{effective_status, InvitationStatus, LinkState, Refusal, StoredStatus, Validity},
    model::invitation::{Decision, DeliveryState, EmailDelivery, InvitationRow, Origin},
    ssr::{
        entities::invitation,
        random::{secret_token, token_hash},
        services::{outbox, search_index},
    },
};

#[derive(Debug, thiserror::Error)]
pub enum InvitationError {
    #[error("invitation not found")]
    NotFound,
    #[error("{0}")]
    Refused(Refusal),
    #[error("the invitation changed meanwhile")]
    ChangedMeanwhile,
    #[error("{0}")]
    InvalidInput(String),
    /// Self sign-up is turned off in the settings.
    #[error("self sign-up is turned off")]
    SignUpClosed,
    /// The address's account is no longer a denied registration (an admin approved it since,
    /// or deactivated it): a Rejected invitation can no longer bring it back.
    #[error("the account is {0:?}, not a denied registration")]
    NotDenied(crate::domain::Standing),
    /// A deny rule refuses the address's domain; the text names the rule.
    #[error("refused by {0}")]
    DomainDenied(String),
    /// A request for a new invitation is refused; the refusal says what to do instead.
    #[error("{0}")]
    RequestRefused(crate::domain::link_request::RequestRefusal),
    /// The invitation link cannot be used; the state says why (for the developer).
    #[error("{}", .0.title())]
    Link(LinkState),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("{0}")]
    Internal(String),
}

impl crate::ssr::db::DatabaseCause for InvitationError {
    fn database_cause(&self) -> Option<&DbErr> {
        match self {
            InvitationError::Database(e) => Some(e),
            _ => None,
        }
    }
}

/// Refuses unless the account of `email_normalized`, if there is one, is a denied
/// registration: the only kind of account an invitation may take over again.
pub(crate) async fn require_denied_account(
    txn: &impl ConnectionTrait,
    email_normalized: &str,
) -> Result<(), InvitationError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    match crate::ssr::entities::account::Entity::find()
        .filter(crate::ssr::entities::account::Column::EmailNormalized.eq(email_normalized))
        .one(txn)
        .await?
    {
        Some(existing) => require_denied(txn, &existing).await,
        None => Ok(()),
    }
}

/// Refuses an address whose domain a deny rule refuses (read in the caller's transaction).
pub(crate) async fn refuse_denied_domain(
    txn: &impl ConnectionTrait,
    email: &str,
) -> Result<(), InvitationError> {
    let Ok(email) = crate::domain::Email::parse(email) else {
        return Ok(()); // Stored addresses were parsed on the way in.
    };
    let rules = crate::ssr::services::domain_rules::load(txn).await?;
    match rules.denying(&email) {
        Some(rule) => Err(InvitationError::DomainDenied(rule.to_string())),
        None => Ok(()),
    }
}

/// Refuses unless `account` is a denied registration (see [`require_denied_account`]).
pub(crate) async fn require_denied(
    txn: &impl ConnectionTrait,
    account: &crate::ssr::entities::account::Model,
) -> Result<(), InvitationError> {
    let standings =
        crate::ssr::services::accounts::standings(txn, std::slice::from_ref(account)).await?;
    match standings[&account.id] {
        crate::domain::Standing::Rejected => Ok(()),
        other => Err(InvitationError::NotDenied(other)),
    }
}

/// The stored status of a row (rows are only written by this module, so an unknown value is a
/// corrupted row).
fn stored_status(model: &invitation::Model) -> Result<StoredStatus, InvitationError> {
    StoredStatus::parse(&model.status).ok_or_else(|| {
        InvitationError::Internal(format!(
            "invitation {} has unknown status {:?}",
            model.id, model.status
        ))
    })
}

pub(crate) fn effective(
    model: &invitation::Model,
    now: DateTime<Utc>,
) -> Result<InvitationStatus, InvitationError> {
    Ok(effective_status(
        stored_status(model)?,
        model.valid_until,
        now,
    ))
}

fn to_row(
    model: &invitation::Model,
    names: &std::collections::HashMap<i32, String>,
    delivery: Option<EmailDelivery>,
    now: DateTime<Utc>,
) -> Result<InvitationRow, InvitationError> {
    let name_of = |id: Option<i32>| id.and_then(|id| names.get(&id).cloned());
    // Only a Waiting registration is decided: an accepted one stays Approved, a denied one is
    // Rejected until a resend inactivates it.
    let decision = model.decided_at.map(|at| Decision {
        approved: stored_status(model).ok() == Some(StoredStatus::Approved),
        at,
        by: name_of(model.decided_by),
        reason: model.decision_reason.clone(),
    });
    Ok(InvitationRow {
        id: model.id,
        email: model.email.clone(),
        invited_at: model.invited_at,
        valid_until: model.valid_until,
        status: effective(model, now)?,
        origin: Origin::parse(&model.origin).unwrap_or(Origin::Invited),
        pre_approved: model.pre_approved,
        role: crate::domain::Role::parse(&model.role).unwrap_or(crate::domain::Role::Developer),
        full_name: name_of(model.account_id),
        completed_at: model.completed_at,
        delivery,
        decision,
    })
}

/// The list rows of some invitations: each with its developer's name and its newest email's
/// delivery, read with one query each rather than one per row.
pub(crate) async fn rows_for(
    db: &impl ConnectionTrait,
    models: &[invitation::Model],
    now: DateTime<Utc>,
) -> Result<Vec<InvitationRow>, InvitationError> {
    // The developers' names and the deciding admins' names, in one query.
    let people: std::collections::BTreeSet<i32> = models
        .iter()
        .flat_map(|m| [m.account_id, m.decided_by])
        .flatten()
        .collect();
    let names = account_names(db, people.into_iter()).await?;
    let mut deliveries = outbox::newest_invitation_emails(db, models.iter().map(|m| m.id)).await?;
    models
        .iter()
        .map(|m| {
            let delivery = deliveries.remove(&m.id).map(|row| delivery_of(&row));
            to_row(m, &names, delivery, now)
        })
        .collect()
}

/// The list row of one invitation.
pub(crate) async fn row_for(
    db: &impl ConnectionTrait,
    model: &invitation::Model,
    now: DateTime<Utc>,
) -> Result<InvitationRow, InvitationError> {
    rows_for(db, std::slice::from_ref(model), now)
        .await?
        .pop()
        .ok_or_else(|| InvitationError::Internal("no row for an invitation".into()))
}

/// An outbox row as the admin sees it.
fn delivery_of(row: &crate::ssr::entities::outbox::Model) -> EmailDelivery {
    let state = match row.status.as_str() {
        outbox::SENT => DeliveryState::Sent,
        outbox::FAILED => DeliveryState::Failed,
        outbox::DROPPED => DeliveryState::Dropped,
        _ if row.attempts > 0 => DeliveryState::Retrying,
        _ => DeliveryState::Queued,
    };
    EmailDelivery {
        state,
        attempts: row.attempts,
        last_error: row.last_error.clone(),
        sent_at: row.sent_at,
    }
}

/// What a new Pending invitation needs besides its address.
pub(crate) struct NewInvitation<'a> {
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub origin: Origin,
    pub invited_by: Option<(i32, &'a str)>,
    pub pre_approved: bool,
    /// The role of the account the invitation creates.
    pub role: crate::domain::Role,
    pub validity: Validity,
    /// When before expiry it is reminded of (from the settings; off for a resend).
    pub reminder: crate::domain::ReminderLead,
    pub supersedes: Option<i32>,
    pub public_url: &'a str,
    /// The name the invitation page suggests (given at sign-up or in an import); the
    /// developer may change it there.
    pub suggested_name: Option<&'a str>,
}

/// Inserts a Pending invitation with a fresh token and queues its email, in the caller's
/// transaction, and adds it to the search index. The token leaves the server only inside the
/// email's link.
pub(crate) async fn insert_pending(
    txn: &impl ConnectionTrait,
    new: NewInvitation<'_>,
    now: DateTime<Utc>,
) -> Result<invitation::Model, DbErr> {
    let model = insert_pending_unindexed(txn, new, now).await?;
    search_index::add(txn, &[search_index::Entry::from(&model)]).await?;
    Ok(model)
}

/// [`insert_pending`] without the search index, for a caller that indexes many invitations
/// at once (in the same transaction).
pub(crate) async fn insert_pending_unindexed(
    txn: &impl ConnectionTrait,
    new: NewInvitation<'_>,
    now: DateTime<Utc>,
) -> Result<invitation::Model, DbErr> {
    let now = list::to_micros(now);
    let token = secret_token();
    let valid_until = crate::domain::valid_until(now, new.validity);
    let model = invitation::ActiveModel {
        email: Set(new.email.to_owned()),
        email_normalized: Set(new.email_normalized.to_owned()),
        live_email: Set(Some(new.email_normalized.to_owned())),
        status: Set(StoredStatus::Pending.as_str().to_owned()),
        origin: Set(new.origin.as_str().to_owned()),
        invited_by: Set(new.invited_by.map(|(id, _)| id)),
        pre_approved: Set(new.pre_approved),
        role: Set(new.role.as_str().to_owned()),
        token_hash: Set(token_hash(&token)),
        invited_at: Set(now),
        valid_until: Set(valid_until),
        remind_at: Set(new.reminder.remind_at(now, valid_until)),
        reminded_at: Set(None),
        reminder_token_hash: Set(None),
        first_opened_at: Set(None),
        supersedes_id: Set(new.supersedes),
        sign_up_full_name: Set(new.suggested_name.map(str::to_owned)),
        account_id: Set(None),
        completed_at: Set(None),
        decided_at: Set(None),
        decided_by: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let message = outbox::Message::Invitation {
        link: format!(
            "{}{}",
            new.public_url,
            crate::domain::invitation::link_path(&token)
        ),
        valid_until,
        invited_by: new.invited_by.map(|(_, name)| name.to_owned()),
        self_sign_up: new.origin == Origin::SelfRegistration,
        as_admin: new.role == crate::domain::Role::Admin,
        reminder: false,
    };
    outbox::enqueue(txn, new.email, Some(model.id), &message, now).await?;
    // A new invitation for the address answers its request for one, whoever sent it.
    requests::settle(
        txn,
        new.email_normalized,
        new.invited_by.map(|(id, _)| id),
        now,
    )
    .await?;
    Ok(model)
}

/// The SQL form of a domain condition on stored status and expiry, applied to a query or a
/// conditional update.
pub(crate) fn condition_filter(
    condition: crate::domain::invitation::StoredCondition,
    now: DateTime<Utc>,
) -> sea_orm::Condition {
    condition_filter_on(
        condition,
        now,
        // Qualified, as `ColumnTrait` writes it: the search index's rows have a `valid_until`
        // too, and a page may join them.
        sea_orm::sea_query::Expr::col((invitation::Entity, invitation::Column::ValidUntil)),
    )
}

/// [`condition_filter`] with the expiry compared as `valid_until` says (the column itself, or
/// an expression of it that keeps its value: `list::expiry`).
pub(crate) fn condition_filter_on(
    condition: crate::domain::invitation::StoredCondition,
    now: DateTime<Utc>,
    valid_until: sea_orm::sea_query::Expr,
) -> sea_orm::Condition {
    use crate::domain::invitation::ExpiryCondition;
    use sea_orm::{sea_query::ExprTrait, ColumnTrait};
    let statuses = condition.statuses.iter().map(|s| s.as_str());
    let filter = sea_orm::Condition::all().add(invitation::Column::Status.is_in(statuses));
    match condition.expiry {
        ExpiryCondition::Unexpired => filter.add(valid_until.gt(now)),
        ExpiryCondition::Expired => filter.add(valid_until.lte(now)),
        ExpiryCondition::Either => filter,
    }
}

/// Full names of the accounts behind some invitations, by account id.
pub(crate) async fn account_names(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i32>,
) -> Result<std::collections::HashMap<i32, String>, DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let ids: Vec<i32> = ids.collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(crate::ssr::entities::account::Entity::find()
        .filter(crate::ssr::entities::account::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.full_name))
        .collect())
}

/// One invitation as the list shows it.
pub async fn get(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> Result<InvitationRow, InvitationError> {
    use sea_orm::EntityTrait;
    let model = invitation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(InvitationError::NotFound)?;
    row_for(db, &model, now).await
}
