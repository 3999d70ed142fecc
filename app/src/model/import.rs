//! An import as Invitations › Import shows it: each row's outcome before anything is sent, and
//! what sending a part of it did.

use serde::{Deserialize, Serialize};

use crate::domain::InvitationStatus;

/// The preview of an import: every row, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub rows: Vec<PreviewRow>,
}

impl ImportPreview {
    /// The rows that would be invited, as indexes into `rows`.
    pub fn sendable(&self) -> Vec<usize> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.outcome.will_invite())
            .map(|(i, _)| i)
            .collect()
    }

    /// How many rows have each outcome, in the order [`PreviewOutcome::KINDS`] lists them.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        PreviewOutcome::KINDS
            .iter()
            .map(|kind| {
                let count = self
                    .rows
                    .iter()
                    .filter(|r| r.outcome.kind() == *kind)
                    .count();
                (*kind, count)
            })
            .filter(|(_, count)| *count > 0)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// The line of the file where the row starts.
    pub line: usize,
    pub email: String,
    pub full_name: Option<String>,
    /// Whether the invitation would be pre-approved (the row's column, else the portal's
    /// default).
    pub pre_approved: bool,
    pub outcome: PreviewOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreviewOutcome {
    /// Will be invited; `approved_by` names the allow rule that will approve the registration.
    WillInvite {
        approved_by: Option<String>,
    },
    Invalid {
        reason: String,
    },
    Repeated {
        first_line: usize,
    },
    AlreadyInvited {
        status: InvitationStatus,
    },
    AlreadyDeveloper,
    Blocked {
        rule: String,
    },
}

impl PreviewOutcome {
    pub const KINDS: [&'static str; 6] = [
        "Will invite",
        "Invalid",
        "Repeated",
        "Already invited",
        "Already a developer",
        "Blocked by a domain rule",
    ];

    pub fn will_invite(&self) -> bool {
        matches!(self, PreviewOutcome::WillInvite { .. })
    }

    /// One of [`Self::KINDS`].
    pub fn kind(&self) -> &'static str {
        let index = match self {
            PreviewOutcome::WillInvite { .. } => 0,
            PreviewOutcome::Invalid { .. } => 1,
            PreviewOutcome::Repeated { .. } => 2,
            PreviewOutcome::AlreadyInvited { .. } => 3,
            PreviewOutcome::AlreadyDeveloper => 4,
            PreviewOutcome::Blocked { .. } => 5,
        };
        Self::KINDS[index]
    }

    /// The row's outcome in words, for the preview table.
    pub fn detail(&self) -> String {
        match self {
            PreviewOutcome::WillInvite { approved_by: None } => String::new(),
            PreviewOutcome::WillInvite {
                approved_by: Some(rule),
            } => format!("its registration will be approved by {rule}"),
            PreviewOutcome::Invalid { reason } => reason.clone(),
            PreviewOutcome::Repeated { first_line } => {
                format!("the same address is on line {first_line}")
            }
            PreviewOutcome::AlreadyInvited { status } => format!(
                "it has a {} invitation; resend that one from the list instead",
                status.label()
            ),
            PreviewOutcome::AlreadyDeveloper => "the address already has an account".into(),
            PreviewOutcome::Blocked { rule } => format!("refused by {rule}"),
        }
    }
}

/// What sending a part of an import did: how many rows were invited, and the rows that were
/// not (their line and why), for instance because someone invited the address meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportSent {
    pub invited: usize,
    pub not_sent: Vec<(usize, String)>,
}
