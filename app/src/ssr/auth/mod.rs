//! Who is calling: password hashing and server-side sessions. The guards every server function
//! starts with are in the API layer (`guard.rs` there): this layer never imports it.

pub mod challenge;
pub mod password;
pub mod session;
pub mod totp;
