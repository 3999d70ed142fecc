//! Who is calling: password hashing, server-side sessions and the guards every server
//! function uses.

pub mod guard;
pub mod password;
pub mod session;

pub use guard::{current_account, require_account, require_admin};
