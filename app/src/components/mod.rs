//! Reusable pieces of UI.

pub mod auth;
pub mod layout;
