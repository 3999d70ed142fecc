//! The REST API, `/api/v1`: JSON routes beside the server functions, for systems rather than
//! browsers. Handlers are thin like the server functions (authenticate a token, parse, call
//! the same service, return with `?`), and every error is `application/problem+json` with the
//! status [`ApiError::status`](crate::model::ApiError::status) gives it.
//!
//! The router and the OpenAPI 3.1 document are built from the same annotated handlers
//! (utoipa-axum), so a route cannot exist undocumented nor a documented one be missing.

mod audit;
mod auth;
mod developers;
mod extract;
mod idempotency;
mod invitations;
mod problem;
mod reference;
mod settings;
mod types;

use std::sync::Arc;

use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use utoipa::{
    openapi::{
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
        OpenApi as Document, RefOr, ResponseBuilder,
    },
    Modify, OpenApi,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub use problem::Problem;

use crate::ssr::AppState;

/// Where the API lives.
pub const BASE: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portico API",
        version = "1",
        description = "Invite developers, review their registrations and manage their accounts \
            from your own systems. Authenticate with an API token (Settings › API tokens) as \
            `Authorization: Bearer portico_…`; a `read` token may GET, a `write` token may \
            change. Errors are `application/problem+json` (RFC 9457). POSTs that create \
            accept an `Idempotency-Key`."
    ),
    servers((url = "/", description = "This Portico (the paths include /api/v1)")),
    components(schemas(Problem)),
    modifiers(&Security),
    security(("bearer" = [])),
    tags(
        (name = "invitations", description = "Invitations and the registrations they lead to"),
        (name = "developers", description = "Accounts"),
        (name = "settings", description = "The portal's settings"),
        (name = "audit", description = "What happened, and who did it"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, document: &mut Document) {
        let components = document.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token from Settings › API tokens"))
                    .build(),
            ),
        );
    }
}

/// The answers every operation can give, documented once for all of them.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, document: &mut Document) {
        let common = [
            (
                "401",
                "No token, or one that is unknown, expired or revoked",
            ),
            ("403", "The token lacks the scope this operation needs"),
            ("413", "The request body is too large"),
            ("415", "The body is not JSON"),
            (
                "422",
                "A parameter or the body is not valid; `detail` says what to fix",
            ),
            (
                "429",
                "Too many requests with this token; `Retry-After` says when to try again",
            ),
            (
                "500",
                "Something failed on the server; `detail` holds a reference for the log",
            ),
            ("503", "The database cannot serve for now; try again later"),
        ];
        for operation in operations(document) {
            for (status, description) in common {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::T(problem_response(description)));
            }
        }
    }
}

/// Links from an answer to the operations that take its ids (OpenAPI links): a client, and
/// Schemathesis's stateful tests, can follow a created invitation to reading, resending,
/// reviewing and deleting it, and a listed account to deactivating it. Added to the JSON
/// because utoipa 5 writes a link's `operationId` as `operation_id`.
fn add_links(document: &mut serde_json::Value) {
    let links: [(&str, &str, &str, &str, &str); 8] = [
        (
            "/invitations",
            "post",
            "201",
            "$response.body#/id",
            "getInvitation",
        ),
        (
            "/invitations",
            "post",
            "201",
            "$response.body#/id",
            "resendInvitation",
        ),
        (
            "/invitations",
            "post",
            "201",
            "$response.body#/id",
            "reviewInvitation",
        ),
        (
            "/invitations",
            "post",
            "201",
            "$response.body#/id",
            "deleteInvitation",
        ),
        (
            "/invitations/{id}/resend",
            "post",
            "201",
            "$response.body#/id",
            "getInvitation",
        ),
        (
            "/invitations",
            "get",
            "200",
            "$response.body#/data/0/id",
            "reviewInvitation",
        ),
        (
            "/developers",
            "get",
            "200",
            "$response.body#/data/0/id",
            "deactivateDeveloper",
        ),
        (
            "/developers",
            "get",
            "200",
            "$response.body#/data/0/id",
            "reactivateDeveloper",
        ),
    ];
    for (path, method, status, value, target) in links {
        let response = &mut document["paths"][format!("{BASE}{path}")][method]["responses"][status];
        if response.is_object() {
            response["links"][target] = serde_json::json!({
                "operationId": target,
                "parameters": { "id": value },
            });
        }
    }
}

/// Every operation of the document.
fn operations(
    document: &mut Document,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    document.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
            &mut item.put,
        ]
        .into_iter()
        .flatten()
    })
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// The API's routes and its document, made once per process.
fn parts() -> (Router<AppState>, Arc<Document>) {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest(
            BASE,
            OpenApiRouter::new()
                .routes(routes!(invitations::list, invitations::create))
                .routes(routes!(invitations::create_many))
                .routes(routes!(invitations::get_one, invitations::delete))
                .routes(routes!(invitations::resend))
                .routes(routes!(invitations::review))
                .routes(routes!(developers::list))
                .routes(routes!(developers::deactivate))
                .routes(routes!(developers::reactivate))
                .routes(routes!(settings::get, settings::update))
                .routes(routes!(audit::list)),
        )
        .split_for_parts();
    let mut document = document;
    // The paths exist only now (the derive's modifiers run before the routes are added).
    CommonResponses.modify(&mut document);
    // Problem bodies of the operations' own error answers use the problem media type too.
    for operation in operations(&mut document) {
        for response in operation.responses.responses.values_mut() {
            if let RefOr::T(response) = response {
                if let Some(content) = response.content.shift_remove("application/json") {
                    let is_problem = matches!(
                        &content.schema,
                        Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")
                    );
                    let media = if is_problem {
                        "application/problem+json"
                    } else {
                        "application/json"
                    };
                    response.content.insert(media.to_owned(), content);
                }
            }
        }
    }
    (router, Arc::new(document))
}

/// The OpenAPI document as served at `/api/v1/openapi.json` and printed by `server openapi`.
pub fn document_json() -> String {
    json_of(&parts().1)
}

fn json_of(document: &Document) -> String {
    let mut value = serde_json::to_value(document).unwrap_or_default();
    add_links(&mut value);
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// `/api/v1/...`: the operations, the document, its reference page, and a problem for any
/// other path under the prefix.
pub fn router(state: AppState) -> Router {
    let (api, document) = parts();
    let json = Arc::new(json_of(&document));
    let page = Arc::new(reference::page(&document));
    api.route(
        &format!("{BASE}/openapi.json"),
        get(move || {
            let json = json.clone();
            async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    (*json).clone(),
                )
            }
        }),
    )
    .route(
        &format!("{BASE}/docs"),
        get(move || {
            let page = page.clone();
            async move { reference::respond((*page).clone()) }
        }),
    )
    .route(&format!("{BASE}/{{*rest}}"), axum::routing::any(not_found))
    .route(BASE, axum::routing::any(not_found))
    .with_state(state)
}

async fn not_found() -> Response {
    problem::problem(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("There is no such operation: the operations are listed at {BASE}/docs."),
    )
    .into_response()
}
