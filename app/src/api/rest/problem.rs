//! Errors as `application/problem+json` (RFC 9457). The status comes from the one place that
//! decides it for every error, [`ApiError::status`]; the REST layer only changes the envelope.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::ApiError;

/// A problem detail: what happened (`title`, `code`) and what to do about it (`detail`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: `code` says which problem it is.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub kind: &'static str,
    /// The HTTP status's name.
    #[schema(example = "Conflict")]
    pub title: String,
    #[schema(example = 409)]
    pub status: u16,
    /// For a person: what happened and what to do.
    #[schema(example = "Only a Waiting registration can be reviewed; this one is Approved.")]
    pub detail: String,
    /// For a program: `unauthenticated`, `forbidden`, `invalid_input`, `not_found`,
    /// `conflict`, `rate_limited`, `internal` or `unavailable`.
    #[schema(example = "conflict")]
    pub code: &'static str,
}

/// An error of the REST layer: any layer's error becomes one with `?` (through [`ApiError`]).
#[derive(Debug)]
pub struct RestError(pub ApiError);

impl<E: Into<ApiError>> From<E> for RestError {
    #[track_caller]
    fn from(error: E) -> Self {
        RestError(error.into())
    }
}

impl RestError {
    pub fn invalid(message: impl Into<String>) -> Self {
        RestError(ApiError::InvalidInput(message.into()))
    }
}

fn code(error: &ApiError) -> &'static str {
    match error {
        ApiError::Unauthenticated | ApiError::InvalidCredentials => "unauthenticated",
        ApiError::Forbidden | ApiError::PasswordChangeRequired | ApiError::Disabled(_) => {
            "forbidden"
        }
        ApiError::InvalidInput(_) | ApiError::Transport(_) => "invalid_input",
        ApiError::NotFound(_) => "not_found",
        ApiError::Conflict(_) => "conflict",
        ApiError::RateLimited(_) => "rate_limited",
        ApiError::Internal(_) => "internal",
        ApiError::ServiceUnavailable(_) => "unavailable",
    }
}

/// A problem answer with `status` and `detail`, outside the usual mapping (415, 413).
pub fn problem(status: StatusCode, code: &'static str, detail: String) -> Response {
    let body = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        code,
    };
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let error = self.0;
        let status = error.status();
        let detail = match &error {
            ApiError::Unauthenticated => "Send a valid API token: `Authorization: Bearer \
                portico_…`. Tokens are created by an administrator under Settings › API tokens; \
                an expired or revoked one, or one whose administrator can no longer sign in, \
                does not work."
                .to_owned(),
            other => other.to_string(),
        };
        let mut response = problem(status, code(&error), detail);
        let headers = response.headers_mut();
        match error {
            ApiError::RateLimited(seconds) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            ApiError::Unauthenticated => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"portico\""),
                );
            }
            _ => {}
        }
        response
    }
}

pub type RestResult<T> = Result<T, RestError>;
