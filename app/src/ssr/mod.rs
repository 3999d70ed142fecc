//! Server-only code: persistence, sessions, services. Never compiled into the WASM bundle.

pub mod auth;
pub mod csp;
pub mod db;
pub mod entities;
pub mod mail;
pub mod markdown;
pub mod migrations;
pub mod random;
pub mod rate_limit;
pub mod redact;
pub mod services;
pub mod state;
pub mod webhooks;

pub use state::{AppState, ServerSettings};
