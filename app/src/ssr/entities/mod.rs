//! SeaORM entities, one module per table.

pub mod account;
pub mod api_token;
pub mod audit_event;
pub mod domain_rule;
pub mod email_template;
pub mod idempotency_key;
pub mod invitation;
pub mod invitation_gram;
pub mod invitation_gram_stat;
pub mod link_request;
pub mod login_challenge;
pub mod longest_validity;
pub mod outbox;
pub mod password_reset;
pub mod portal_logo;
pub mod rate_limit;
pub mod recovery_code;
pub mod session;
pub mod settings;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod webhook_event;
