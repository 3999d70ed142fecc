//! Inviting one or many addresses in one transaction.

use chrono::{DateTime, Utc};
use sea_orm::{prelude::Expr, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;

use super::{effective, insert_pending_unindexed, InvitationError, NewInvitation};
use crate::{
    domain::{
        webhook::EventType, Email, EmailList, EntryProblemReason, FullName, InvitationStatus,
        ParsedEmailList, Role, Standing, StoredStatus,
    },
    model::{
        audit::AuditAction,
        invitation::{InviteEntry, InviteOutcome, InviteReport, Origin},
    },
    ssr::{
        db::{begin_write, is_unique_violation},
        entities::{account, invitation},
        services::{audit, domain_rules, operator::Operator, outbox, search_index, settings},
        webhooks, AppState,
    },
};

/// Placeholders per `IN (...)` look-up: under every backend's parameter limit.
const LOOKUP_CHUNK: usize = 500;

pub async fn invite(
    state: &AppState,
    operator: Operator<'_>,
    input: &str,
    pre_approved: Option<bool>,
    role: Role,
    now: DateTime<Utc>,
) -> Result<InviteReport, InvitationError> {
    let parsed = EmailList::parse(input)
        .map_err(|e| InvitationError::InvalidInput(sentence(&e.to_string())))?;
    let candidates: Vec<Candidate> = parsed
        .emails
        .iter()
        .map(|email| Candidate {
            email: email.clone(),
            full_name: None,
            pre_approved,
        })
        .collect();
    let outcomes = invite_candidates(state, operator, &candidates, role, now).await?;
    Ok(InviteReport {
        entries: merge_in_input_order(&parsed, outcomes),
    })
}

/// One address to invite, with what the admin said of it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub email: Email,
    /// The name the invitation page suggests (an import's full name column).
    pub full_name: Option<FullName>,
    /// `None`: the portal's default (Settings › auto-approval).
    pub pre_approved: Option<bool>,
}

/// Invites `candidates` (valid and distinct addresses) in one transaction; one outcome each,
/// in their order.
pub(crate) async fn invite_candidates(
    state: &AppState,
    operator: Operator<'_>,
    candidates: &[Candidate],
    role: Role,
    now: DateTime<Utc>,
) -> Result<Vec<InviteOutcome>, InvitationError> {
    // A concurrent invite of the same address makes the unique live-email index refuse one
    // insert (and, on PostgreSQL, the whole transaction): run it again, and the second run
    // sees the invitation the first one committed.
    let mut attempts = 0;
    loop {
        match try_invite(state, operator, candidates, role, now).await {
            Err(InvitationError::Database(e)) if is_unique_violation(&e) && attempts < 3 => {
                attempts += 1
            }
            other => return other,
        }
    }
}

/// What inviting an address would do, decided from the database as it is in the caller's
/// transaction (nothing is written): the preview of an import and the invite itself both ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Invite it, replacing an expired invitation when there is one; an allow rule, when one
    /// decides for the address, will approve its registration.
    Invite {
        supersedes: Option<i32>,
        approved_by: Option<String>,
    },
    /// Not invited, for the reason the outcome gives.
    Skip(InviteOutcome),
}

pub(crate) async fn plan(
    txn: &impl ConnectionTrait,
    emails: &[Email],
    now: DateTime<Utc>,
) -> Result<Vec<Plan>, InvitationError> {
    let normalized: Vec<String> = emails.iter().map(|e| e.normalized()).collect();
    let accounts = accounts_by_email(txn, &normalized).await?;
    let live = live_invitations_by_email(txn, &normalized).await?;
    let known: Vec<account::Model> = accounts.values().cloned().collect();
    let standings = crate::ssr::services::accounts::standings(txn, &known).await?;
    let rules = domain_rules::load(txn).await?;
    let mut plans = Vec::with_capacity(emails.len());
    for (email, key) in emails.iter().zip(&normalized) {
        if let Some(rule) = rules.denying(email) {
            plans.push(Plan::Skip(InviteOutcome::Blocked {
                rule: rule.to_string(),
            }));
            continue;
        }
        let mut supersedes = None;
        if let Some(existing) = live.get(key) {
            let status = effective(existing, now)?;
            if status != InvitationStatus::Expired {
                plans.push(Plan::Skip(InviteOutcome::AlreadyInvited {
                    invitation_id: existing.id,
                    status,
                }));
                continue;
            }
            // An expired invitation is replaced by the new one, as a resend would.
            supersedes = Some(existing.id);
        }
        if let Some(account) = accounts.get(key) {
            // Only a developer whose registration was denied may be invited again.
            if standings.get(&account.id) != Some(&Standing::Rejected) {
                plans.push(Plan::Skip(InviteOutcome::AlreadyDeveloper));
                continue;
            }
        }
        plans.push(Plan::Invite {
            supersedes,
            approved_by: rules.allowing(email).map(|r| r.to_string()),
        });
    }
    Ok(plans)
}

async fn try_invite(
    state: &AppState,
    operator: Operator<'_>,
    candidates: &[Candidate],
    role: Role,
    now: DateTime<Utc>,
) -> Result<Vec<InviteOutcome>, InvitationError> {
    let txn = begin_write(&state.db).await?;
    let settings = settings::load(&txn).await?;
    let emails: Vec<Email> = candidates.iter().map(|c| c.email.clone()).collect();
    let plans = plan(&txn, &emails, now).await?;

    let mut outcomes = Vec::with_capacity(candidates.len());
    let mut created_rows = Vec::new();
    for (candidate, plan) in candidates.iter().zip(plans) {
        let email = &candidate.email;
        let supersedes = match plan {
            Plan::Skip(outcome) => {
                if let InviteOutcome::Blocked { rule } = &outcome {
                    let detail = format!("refused by {rule}");
                    audit::record(
                        &txn,
                        operator.actor(),
                        AuditAction::Invited,
                        Some(email.as_str()),
                        false,
                        Some(&detail),
                        now,
                    )
                    .await?;
                }
                outcomes.push(outcome);
                continue;
            }
            Plan::Invite { supersedes, .. } => supersedes,
        };
        if let Some(existing) = supersedes {
            supersede_pending(&txn, existing).await?;
        }
        // An admin who invites another admin has decided: there is nothing left to review.
        let pre_approved =
            role == Role::Admin || candidate.pre_approved.unwrap_or(settings.auto_approve);
        let key = email.normalized();
        let created = insert_pending_unindexed(
            &txn,
            NewInvitation {
                email: email.as_str(),
                email_normalized: &key,
                origin: Origin::Invited,
                invited_by: operator.invited_by(),
                pre_approved,
                role,
                validity: settings.validity,
                reminder: settings.reminder,
                supersedes,
                public_url: &state.settings.public_url,
                suggested_name: candidate.full_name.as_ref().map(FullName::as_str),
            },
            now,
        )
        .await?;
        audit::record(
            &txn,
            operator.actor(),
            AuditAction::Invited,
            Some(email.as_str()),
            true,
            Some(match (role, pre_approved) {
                (Role::Admin, _) => "as an administrator",
                (_, true) => "pre-approved",
                (_, false) => "needs approval",
            }),
            now,
        )
        .await?;
        let data = webhooks::invitation_data(&created, "pending");
        webhooks::emit(
            &txn,
            EventType::InvitationCreated,
            &created.email,
            data,
            now,
        )
        .await?;
        outcomes.push(InviteOutcome::Invited {
            invitation_id: created.id,
        });
        created_rows.push(created);
    }
    // One insert of index rows for the whole submission instead of one per address.
    let entries: Vec<_> = created_rows.iter().map(search_index::Entry::from).collect();
    search_index::add(&txn, &entries).await?;
    txn.commit().await?;
    Ok(outcomes)
}

/// Inactivates a Pending invitation that a new one replaces, dropping its queued email.
pub(crate) async fn supersede_pending(
    txn: &impl ConnectionTrait,
    id: i32,
) -> Result<(), InvitationError> {
    let result = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::Status,
            Expr::value(StoredStatus::Inactivated.as_str()),
        )
        .col_expr(
            invitation::Column::LiveEmail,
            Expr::value(Option::<String>::None),
        )
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::Status.eq(StoredStatus::Pending.as_str()))
        .exec(txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(InvitationError::ChangedMeanwhile);
    }
    // Its search index rows say so too (found by their whole keys, from the row).
    if let Some(row) = invitation::Entity::find_by_id(id).one(txn).await? {
        let entry = search_index::Entry::from(&row);
        search_index::restatus(txn, &entry, StoredStatus::Inactivated).await?;
    }
    outbox::drop_queued_for_invitation(txn, id).await?;
    Ok(())
}

/// Puts the outcomes of the valid addresses and the problems of the others back in the order
/// the admin typed them.
fn merge_in_input_order(
    parsed: &ParsedEmailList,
    outcomes: Vec<InviteOutcome>,
) -> Vec<InviteEntry> {
    let total = parsed.emails.len() + parsed.problems.len();
    let problems: HashMap<usize, _> = parsed.problems.iter().map(|p| (p.position, p)).collect();
    let mut valid = parsed.emails.iter().zip(outcomes);
    (1..=total)
        .filter_map(|position| match problems.get(&position) {
            Some(problem) => Some(InviteEntry {
                position,
                email: problem.entry.clone(),
                outcome: match &problem.reason {
                    EntryProblemReason::Invalid(reason) => InviteOutcome::Invalid {
                        reason: reason.clone(),
                    },
                    EntryProblemReason::Repeated { first_position } => InviteOutcome::Repeated {
                        first_position: *first_position,
                    },
                },
            }),
            None => valid.next().map(|(email, outcome)| InviteEntry {
                position,
                email: email.as_str().to_owned(),
                outcome,
            }),
        })
        .collect()
}

async fn accounts_by_email(
    txn: &impl ConnectionTrait,
    emails: &[String],
) -> Result<HashMap<String, account::Model>, DbErr> {
    let mut found = HashMap::new();
    for chunk in emails.chunks(LOOKUP_CHUNK) {
        for model in account::Entity::find()
            .filter(account::Column::EmailNormalized.is_in(chunk.iter().cloned()))
            .all(txn)
            .await?
        {
            found.insert(model.email_normalized.clone(), model);
        }
    }
    Ok(found)
}

async fn live_invitations_by_email(
    txn: &impl ConnectionTrait,
    emails: &[String],
) -> Result<HashMap<String, invitation::Model>, DbErr> {
    let mut found = HashMap::new();
    for chunk in emails.chunks(LOOKUP_CHUNK) {
        for model in invitation::Entity::find()
            .filter(invitation::Column::LiveEmail.is_in(chunk.iter().cloned()))
            .all(txn)
            .await?
        {
            found.insert(model.email_normalized.clone(), model);
        }
    }
    Ok(found)
}

/// "enter at least one ..." -> "Enter at least one ...".
pub(crate) fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}
