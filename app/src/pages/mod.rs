//! One folder per page.

pub mod admin;
pub mod home;
pub mod invitation;
pub mod login;
pub mod not_found;
pub mod password_reset;
pub mod portal;
pub mod signup;
