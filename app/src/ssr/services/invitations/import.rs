//! Invitations › Import: a CSV file or a pasted list is previewed row by row before anything
//! is sent, then its good rows are invited a part at a time (so the page can show progress),
//! each part in one transaction. Both steps read the text the same way
//! (`domain::import::parse_import`) and decide each row the same way as an invite does
//! (`invite::plan`), so the preview says what sending does, unless the list changes meanwhile:
//! sending then says which rows were not sent and why.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use super::{
    invite::{invite_candidates, plan, sentence, Candidate, Plan},
    InvitationError,
};
use crate::{
    domain::{
        import::{parse_import, ImportRow},
        Email, FullName, Role,
    },
    model::{
        import::{ImportPreview, ImportSent, PreviewOutcome, PreviewRow},
        invitation::InviteOutcome,
    },
    ssr::{
        services::{operator::Operator, settings},
        AppState,
    },
};

/// The most rows one send may carry: one transaction, as for a batch of addresses.
pub const MAX_ROWS_PER_SEND: usize = 1_000;

pub async fn preview(
    state: &AppState,
    text: &str,
    now: DateTime<Utc>,
) -> Result<ImportPreview, InvitationError> {
    let rows = read(text)?;
    let checked = check(&rows);
    let default_pre_approved = settings::load(&state.db).await?.auto_approve;
    let emails: Vec<Email> = checked
        .iter()
        .filter_map(|c| c.as_ref().ok().map(|c| c.email.clone()))
        .collect();
    let mut plans = plan(&state.db, &emails, now).await?.into_iter();
    let rows = rows
        .into_iter()
        .zip(checked)
        .map(|(row, checked)| {
            let outcome = match checked {
                Err(problem) => problem,
                Ok(_) => match plans.next() {
                    Some(Plan::Invite { approved_by, .. }) => {
                        PreviewOutcome::WillInvite { approved_by }
                    }
                    Some(Plan::Skip(outcome)) => skipped(outcome),
                    None => PreviewOutcome::Invalid {
                        reason: "not decided".into(),
                    },
                },
            };
            PreviewRow {
                line: row.line,
                email: row.email,
                full_name: row.full_name,
                pre_approved: row.pre_approved.unwrap_or(default_pre_approved),
                outcome,
            }
        })
        .collect();
    Ok(ImportPreview { rows })
}

/// Invites the good rows among `rows[first .. first + count]` of the import (`count` at most
/// [`MAX_ROWS_PER_SEND`]); rows that are invalid or repeated are skipped, as the preview said.
pub async fn send(
    state: &AppState,
    operator: Operator<'_>,
    text: &str,
    first: usize,
    count: usize,
    now: DateTime<Utc>,
) -> Result<ImportSent, InvitationError> {
    if count == 0 || count > MAX_ROWS_PER_SEND {
        return Err(InvitationError::InvalidInput(format!(
            "Send 1 to {MAX_ROWS_PER_SEND} rows at a time, not {count}."
        )));
    }
    let rows = read(text)?;
    if first >= rows.len() {
        return Err(InvitationError::InvalidInput(format!(
            "The import has {} rows: there is no row {}.",
            rows.len(),
            first + 1
        )));
    }
    let checked = check(&rows);
    let end = (first + count).min(rows.len());
    let (lines, candidates): (Vec<usize>, Vec<Candidate>) = rows[first..end]
        .iter()
        .zip(checked.into_iter().skip(first))
        .filter_map(|(row, checked)| checked.ok().map(|c| (row.line, c)))
        .unzip();
    let mut sent = ImportSent::default();
    if candidates.is_empty() {
        return Ok(sent);
    }
    let outcomes = invite_candidates(state, operator, &candidates, Role::Developer, now).await?;
    for (line, outcome) in lines.into_iter().zip(outcomes) {
        match outcome {
            InviteOutcome::Invited { .. } => sent.invited += 1,
            other => sent.not_sent.push((line, other.message())),
        }
    }
    Ok(sent)
}

fn read(text: &str) -> Result<Vec<ImportRow>, InvitationError> {
    parse_import(text).map_err(|e| InvitationError::InvalidInput(sentence(&e.to_string())))
}

/// Each row as a candidate, or why it cannot be one: an invalid address or name, or an address
/// already on an earlier line (ignoring case).
fn check(rows: &[ImportRow]) -> Vec<Result<Candidate, PreviewOutcome>> {
    let mut first_line: HashMap<String, usize> = HashMap::new();
    rows.iter()
        .map(|row| {
            let invalid = |reason: String| PreviewOutcome::Invalid { reason };
            if row.email.is_empty() {
                return Err(invalid("no email address on this line".into()));
            }
            let email = Email::parse(&row.email).map_err(|e| invalid(e.to_string()))?;
            let full_name = row
                .full_name
                .as_deref()
                .map(FullName::parse)
                .transpose()
                .map_err(|e| invalid(format!("the full name: {e}")))?;
            if let Some(&line) = first_line.get(&email.normalized()) {
                return Err(PreviewOutcome::Repeated { first_line: line });
            }
            first_line.insert(email.normalized(), row.line);
            Ok(Candidate {
                email,
                full_name,
                pre_approved: row.pre_approved,
            })
        })
        .collect()
}

fn skipped(outcome: InviteOutcome) -> PreviewOutcome {
    match outcome {
        InviteOutcome::AlreadyInvited { status, .. } => PreviewOutcome::AlreadyInvited { status },
        InviteOutcome::AlreadyDeveloper => PreviewOutcome::AlreadyDeveloper,
        InviteOutcome::Blocked { rule } => PreviewOutcome::Blocked { rule },
        InviteOutcome::Invalid { reason } => PreviewOutcome::Invalid { reason },
        InviteOutcome::Repeated { first_position } => PreviewOutcome::Repeated {
            first_line: first_position,
        },
        InviteOutcome::Invited { .. } => PreviewOutcome::WillInvite { approved_by: None },
    }
}
