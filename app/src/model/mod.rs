//! The types that cross the wire: what server functions take and return, shared by the browser
//! and the server. They sit below `ssr` (services build them) and `api` (server functions return
//! them), so that neither layer has to import the other's types; they hold data and its wording,
//! never I/O. The rules themselves live in `domain`.

pub mod account;
pub mod api_token;
pub mod audit;
pub mod branding;
pub mod dashboard;
pub mod domain_rule;
pub mod email_template;
pub mod error;
pub mod import;
pub mod invitation;
pub mod link_request;
pub mod mfa;
pub mod webhook;

pub use error::ApiError;
