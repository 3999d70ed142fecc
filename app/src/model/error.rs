//! The one error type every server function returns. Its messages are written for the person
//! using the app; internal details stay in the server log, referenced by a correlation id.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// The account must choose its own password before anything else (403).
    #[error("Choose your own password first: the one you signed in with was generated for you, and someone else may know it.")]
    PasswordChangeRequired,
    #[error("The email or password is incorrect, or the account is not active.")]
    InvalidCredentials,
    /// Bad input; the message says what to fix.
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    NotFound(String),
    /// The feature is turned off on this portal (403); the message says what to do instead.
    #[error("{0}")]
    Disabled(String),
    /// The record changed meanwhile (a lost race); the message says to refresh.
    #[error("{0}")]
    Conflict(String),
    #[error("Too many attempts. Please wait {0} seconds and try again.")]
    RateLimited(u64),
    /// Something failed on the server; the id finds the details in the server log.
    #[error("Something went wrong on our side. Please try again; if it keeps happening, quote reference {0}.")]
    Internal(String),
    /// The database cannot take the request for now (unreachable, read-only or full); the
    /// message says which and carries the correlation id of the log line with the details.
    #[error("{0}")]
    ServiceUnavailable(String),
    /// The request did not reach the server function or its answer could not be read.
    #[error("Could not reach Portico: {0}")]
    Transport(String),
}

impl ApiError {
    /// The HTTP status this error is answered with: the one place that decides it (the router
    /// sets it on every server function's error answer, with `Retry-After` for a rate limit).
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            ApiError::Unauthenticated | ApiError::InvalidCredentials => S::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::PasswordChangeRequired => S::FORBIDDEN,
            ApiError::InvalidInput(_) => S::UNPROCESSABLE_ENTITY,
            ApiError::NotFound(_) => S::NOT_FOUND,
            ApiError::Disabled(_) => S::FORBIDDEN,
            ApiError::Conflict(_) => S::CONFLICT,
            ApiError::RateLimited(_) => S::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => S::INTERNAL_SERVER_ERROR,
            ApiError::ServiceUnavailable(_) => S::SERVICE_UNAVAILABLE,
            ApiError::Transport(_) => S::BAD_REQUEST,
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not decode are the caller's mistake: say which.
            ServerFnErrorErr::Args(message) => ApiError::InvalidInput(format!(
                "The request is missing or has malformed fields: {message}"
            )),
            // On the server, only a request's body is deserialized (the client deserializes
            // answers): a body that cannot be read at all, such as one that is not UTF-8.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(message) => ApiError::InvalidInput(format!(
                "The request could not be read ({message}): send the fields form-encoded, as UTF-8."
            )),
            other => ApiError::Transport(other.to_string()),
        }
    }
}
