//! Who performs an admin's action: an admin in the browser, a system through an API token, or
//! the operator at the server's command line. Every rule is the same for all three; only what
//! the invitation email and the audit log name differs.

use crate::{model::account::SessionUser, ssr::services::audit};

/// A system acting through an API token, with the authority of the admin who created it
/// (while that account is an active admin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCaller {
    pub token_id: i32,
    pub token_name: String,
    pub scopes: crate::domain::api_token::Scopes,
    /// The admin who created the token.
    pub admin: SessionUser,
    /// How the audit log names the actor: the token and its creator.
    pub label: String,
}

impl TokenCaller {
    pub fn new(
        token_id: i32,
        token_name: String,
        scopes: crate::domain::api_token::Scopes,
        admin: SessionUser,
    ) -> Self {
        let label = format!("API token \"{token_name}\" of {}", admin.email);
        Self {
            token_id,
            token_name,
            scopes,
            admin,
            label,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Operator<'a> {
    Admin(&'a SessionUser),
    Token(&'a TokenCaller),
    CommandLine,
    /// The portal itself, following a rule the admins set (a developer's request for a new
    /// invitation granted automatically).
    Portal,
}

impl<'a> Operator<'a> {
    /// The admin account the action is done with (none at the command line).
    pub fn account(self) -> Option<&'a SessionUser> {
        match self {
            Operator::Admin(admin) => Some(admin),
            Operator::Token(caller) => Some(&caller.admin),
            Operator::CommandLine | Operator::Portal => None,
        }
    }

    pub fn account_id(self) -> Option<i32> {
        self.account().map(|a| a.id)
    }

    /// The account and name an invitation and its email name as the inviter (none from the
    /// command line: the email then says "You are invited").
    pub fn invited_by(self) -> Option<(i32, &'a str)> {
        self.account().map(|a| (a.id, a.full_name.as_str()))
    }

    /// Who the audit log names.
    pub fn actor(self) -> audit::Actor<'a> {
        match self {
            Operator::Admin(admin) => audit::Actor::account(admin),
            Operator::Token(caller) => audit::Actor {
                id: Some(caller.admin.id),
                email: Some(&caller.label),
            },
            Operator::CommandLine => audit::Actor::COMMAND_LINE,
            Operator::Portal => audit::Actor::PORTAL,
        }
    }
}
