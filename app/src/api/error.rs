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
    #[error("The email or password is incorrect, or the account is not active.")]
    InvalidCredentials,
    /// Bad input; the message says what to fix.
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    NotFound(String),
    /// The feature is turned off here; the message says what to do instead.
    #[error("{0}")]
    Unavailable(String),
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
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            ApiError::Unauthenticated | ApiError::InvalidCredentials => S::UNAUTHORIZED,
            ApiError::Forbidden => S::FORBIDDEN,
            ApiError::InvalidInput(_) => S::UNPROCESSABLE_ENTITY,
            ApiError::NotFound(_) => S::NOT_FOUND,
            ApiError::Unavailable(_) => S::FORBIDDEN,
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

/// Sets the response status for `error` and passes it on, so that a refused call answers
/// 401/403/409/422 instead of a generic 500.
#[cfg(feature = "ssr")]
pub fn respond(error: ApiError) -> ApiError {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status());
        if let ApiError::RateLimited(seconds) = &error {
            if let Ok(value) = http::HeaderValue::from_str(&seconds.to_string()) {
                response.insert_header(http::header::RETRY_AFTER, value);
            }
        }
    }
    error
}

/// Logs an internal failure with a fresh correlation id and returns the generic error that
/// carries only that id to the client. A database error that means the database cannot serve
/// for now (unreachable, read-only, disk full) becomes a 503 that says so, with the same id:
/// the person can try again later, and nothing about it is a bug in the request.
#[cfg(feature = "ssr")]
pub fn internal(context: &str, detail: impl std::fmt::Display + 'static) -> ApiError {
    let id = crate::ssr::random::correlation_id();
    tracing::error!(correlation_id = %id, "{context}: {detail}");
    let outage = (&detail as &dyn std::any::Any)
        .downcast_ref::<sea_orm::DbErr>()
        .and_then(crate::ssr::db::outage);
    match outage {
        Some(outage) => ApiError::ServiceUnavailable(outage.message(&id)),
        None => ApiError::Internal(id),
    }
}
