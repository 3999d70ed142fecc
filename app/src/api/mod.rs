//! Server functions, one module per area. Each is thin: authenticate, parse the input, call one
//! service function, map the error. They are public HTTP endpoints under `/api/`.

pub mod activity;
pub mod auth;
pub mod developers;
pub mod error;
pub mod invitations;
pub mod portal;
pub mod profile;
pub mod settings;

pub use error::ApiError;
