//! Business operations over the database. Server functions call exactly one of these.

pub mod accounts;
pub mod administrators;
pub mod api_tokens;
pub mod audit;
pub mod cleanup;
pub mod dashboard;
pub mod developers;
pub mod domain_rules;
pub mod email_templates;
pub mod generate;
pub mod invitations;
pub mod logo;
pub mod longest_validity;
pub mod mfa;
pub mod operator;
pub mod outbox;
pub mod password_reset;
pub mod profile;
pub mod search_index;
pub mod sessions;
pub mod settings;
pub mod sign_in;
