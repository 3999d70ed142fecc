//! Pure rules and the values that carry them. No I/O here: this module compiles for the
//! browser (WASM) and the server alike, so both sides ask the same code what is allowed.

pub mod account;
pub mod email;
pub mod password;

pub use account::{FullName, Role};
pub use email::Email;
pub use password::{Password, PasswordRule};
