//! The API reference page (`/api/v1/docs`), rendered on the server from the same OpenAPI
//! document the API serves: no viewer script, nothing fetched from another site.

use axum::{
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use utoipa::openapi::{
    path::{Operation, ParameterIn},
    OpenApi as Document, RefOr, Schema,
};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `` `code` `` spans of the descriptions as `<code>` (the only Markdown they use).
fn inline(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_owned()
            }
        })
        .collect()
}

pub fn page(document: &Document) -> String {
    let mut body = String::new();
    body.push_str(&format!(
        "<h1>{} <span class=\"muted\">v{}</span></h1>",
        escape(&document.info.title),
        escape(&document.info.version)
    ));
    if let Some(description) = &document.info.description {
        body.push_str(&format!("<p>{}</p>", inline(description)));
    }
    body.push_str(
        "<p>The machine-readable document: <a href=\"/api/v1/openapi.json\">openapi.json</a> \
         (OpenAPI 3.1). Tokens are made under <a href=\"/admin/settings\">Settings › API \
         tokens</a>.</p>",
    );
    for (path, item) in &document.paths.paths {
        for (method, operation) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PATCH", &item.patch),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ] {
            if let Some(operation) = operation {
                body.push_str(&operation_html(method, path, operation));
            }
        }
    }
    body.push_str("<h2>Schemas</h2>");
    if let Some(components) = &document.components {
        for (name, schema) in &components.schemas {
            body.push_str(&format!(
                "<section class=\"api-schema\" id=\"schema-{0}\"><h3>{0}</h3>{1}</section>",
                escape(name),
                schema_html(schema)
            ));
        }
    }
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Portico API reference</title>\
         <link rel=\"stylesheet\" href=\"/pkg/portico.css\"><link rel=\"stylesheet\" href=\"/branding.css\">\
         </head><body><main class=\"api-reference\">{body}</main></body></html>"
    )
}

fn operation_html(method: &str, path: &str, operation: &Operation) -> String {
    let id = format!("{method}-{path}")
        .to_lowercase()
        .replace(['/', '{', '}'], "-");
    let mut html = format!(
        "<section class=\"api-operation\" id=\"{}\"><h2><span class=\"api-method\">{method}</span> \
         <code>{}</code></h2>",
        escape(&id),
        escape(path)
    );
    if let Some(text) = operation
        .description
        .as_ref()
        .or(operation.summary.as_ref())
    {
        html.push_str(&format!("<p>{}</p>", inline(text)));
    }
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    if !parameters.is_empty() {
        html.push_str(
            "<table class=\"data-table\"><thead><tr><th scope=\"col\">Parameter</th>\
             <th scope=\"col\">In</th><th scope=\"col\">Description</th></tr></thead><tbody>",
        );
        for parameter in parameters {
            let place = match parameter.parameter_in {
                ParameterIn::Query => "query",
                ParameterIn::Path => "path",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            html.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{place}</td><td>{}</td></tr>",
                escape(&parameter.name),
                inline(parameter.description.as_deref().unwrap_or(""))
            ));
        }
        html.push_str("</tbody></table>");
    }
    if let Some(body) = &operation.request_body {
        let schema = body
            .content
            .values()
            .next()
            .and_then(|c| c.schema.as_ref())
            .map(schema_name)
            .unwrap_or_default();
        html.push_str(&format!("<p>Body: {}</p>", schema_link(&schema)));
    }
    html.push_str("<ul class=\"api-responses\">");
    for (status, response) in &operation.responses.responses {
        if let RefOr::T(response) = response {
            let schema = response
                .content
                .values()
                .next()
                .and_then(|c| c.schema.as_ref())
                .map(schema_name)
                .unwrap_or_default();
            html.push_str(&format!(
                "<li><strong>{}</strong> {} {}</li>",
                escape(status),
                inline(&response.description),
                schema_link(&schema)
            ));
        }
    }
    html.push_str("</ul></section>");
    html
}

fn schema_name(schema: &RefOr<Schema>) -> String {
    match schema {
        RefOr::Ref(r) => r.ref_location.rsplit('/').next().unwrap_or("").to_owned(),
        RefOr::T(_) => String::new(),
    }
}

fn schema_link(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!("<a href=\"#schema-{0}\">{0}</a>", escape(name))
    }
}

fn schema_html(schema: &RefOr<Schema>) -> String {
    let RefOr::T(Schema::Object(object)) = schema else {
        return String::new();
    };
    let mut html = String::new();
    if let Some(description) = &object.description {
        html.push_str(&format!("<p>{}</p>", inline(description)));
    }
    html.push_str(
        "<table class=\"data-table\"><thead><tr><th scope=\"col\">Field</th>\
         <th scope=\"col\">Required</th><th scope=\"col\">Description</th></tr></thead><tbody>",
    );
    for (name, property) in &object.properties {
        let description = match property {
            RefOr::T(Schema::Object(p)) => p.description.clone().unwrap_or_default(),
            RefOr::T(_) => String::new(),
            RefOr::Ref(r) => format!("See `{}`.", r.ref_location.rsplit('/').next().unwrap_or("")),
        };
        let required = if object.required.contains(name) {
            "yes"
        } else {
            ""
        };
        html.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{required}</td><td>{}</td></tr>",
            escape(name),
            inline(&description)
        ));
    }
    html.push_str("</tbody></table>");
    html
}

pub fn respond(html: String) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; \
             base-uri 'none'; form-action 'none'",
        ),
    );
    response
}
