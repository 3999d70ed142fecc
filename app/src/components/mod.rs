//! Reusable pieces of UI.

pub mod auth;
pub mod branding;
pub mod form;
pub mod hydration;
pub mod layout;
pub mod login_form;
pub mod mfa;
pub mod modal;
pub mod pager;
pub mod password_fields;
pub mod plain_page;
pub mod time;
pub mod toast;
