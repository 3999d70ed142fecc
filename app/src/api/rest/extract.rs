//! Axum's JSON, query and path extractors, with their rejections answered as problems (422,
//! 415 for a body that is not JSON, 404 for an id that is not a number) instead of plain text.

use axum::{
    extract::{rejection::JsonRejection, FromRequest, FromRequestParts, Request},
    http::{request::Parts, StatusCode},
    response::Response,
};
use serde::de::DeserializeOwned;

use super::problem::problem;

/// A JSON body.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON, with Content-Type: application/json.".into(),
            )),
            Err(rejection) => Err(problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
                format!(
                    "The body does not fit this operation ({}): see the operation's schema in \
                     /api/v1/openapi.json.",
                    rejection.body_text()
                ),
            )),
        }
    }
}

/// Query parameters.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|rejection| {
                problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_input",
                    format!("A query parameter is not valid: {}.", rejection.body_text()),
                )
            })
    }
}

/// An id in the path.
pub struct Id(pub i32);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        axum::extract::Path::<i32>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(id)| Id(id))
            // Nothing has an id that is not a number: such a resource does not exist.
            .map_err(|_| {
                problem(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "Nothing has this id: ids are whole numbers, as the lists give them.".into(),
                )
            })
    }
}
