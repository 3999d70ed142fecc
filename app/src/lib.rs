//! Portico: the shared app crate. Pages and components render on the server (first paint) and
//! hydrate in the browser; `#[server]` functions are the API between the two.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
#[cfg(test)]
mod fuzz_support;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use components::{
    hydration::HydrationAfterPaint,
    plain_page::{PlainPage, PlainPageScript},
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::csp::set_page_policy();
    // The pages a developer meets first work without the app's code (`components::plain_page`).
    let plain =
        use_context::<http::request::Parts>().is_some_and(|r| pages::is_plain(r.uri.path()));
    if plain {
        provide_context(PlainPage);
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                {if plain {
                    view! { <PlainPageScript /> }.into_any()
                } else {
                    view! { <HydrationAfterPaint options /> }.into_any()
                }}
                <MetaTags />
                // After the stylesheet: the accent color chosen in Settings (`api::theme`).
                <link rel="stylesheet" href="/branding.css" />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    // Marks the page once the WASM app has taken over, so browser tests know when clicks work
    // (`data-ready`, which a page without the app gets from its script).
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
            let _ = body.set_attribute("data-ready", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/portico.css" />
        <Title formatter=|title: String| {
            if title.is_empty() { "Portico".to_owned() } else { format!("{title} · Portico") }
        } />
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=StaticSegment("") view=pages::home::HomeRedirect ssr=SsrMode::Async />
                <Route path=StaticSegment("login") view=pages::login::LoginPage ssr=SsrMode::Async />
                <Route
                    path=(StaticSegment("login"), StaticSegment("code"))
                    view=pages::login::code::LoginCodePage
                    ssr=SsrMode::Async
                />
                <Route
                    path=(StaticSegment("invitation"), ParamSegment("token"))
                    view=pages::invitation::AcceptInvitationPage
                    ssr=SsrMode::Async
                />
                <Route path=StaticSegment("admin") view=pages::admin::AdminHome ssr=SsrMode::Async />
                <Route
                    path=(StaticSegment("admin"), StaticSegment("invitations"))
                    view=pages::admin::invitations::InvitationsPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=(StaticSegment("admin"), StaticSegment("invitations"), StaticSegment("import"))
                    view=pages::admin::invitations::import::ImportPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=(StaticSegment("admin"), StaticSegment("invitations"), StaticSegment("requests"))
                    view=pages::admin::invitations::requests::RequestsPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=(StaticSegment("admin"), StaticSegment("developers"))
                    view=pages::admin::developers::DevelopersPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=(StaticSegment("admin"), StaticSegment("activity"))
                    view=pages::admin::activity::ActivityPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=(StaticSegment("admin"), StaticSegment("settings"))
                    view=pages::admin::settings::SettingsPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=(StaticSegment("admin"), StaticSegment("settings"), StaticSegment("emails"), ParamSegment("kind"))
                    view=pages::admin::settings::EmailEditorPage
                    ssr=SsrMode::Async
                />
                <Route path=StaticSegment("portal") view=pages::portal::PortalHome ssr=SsrMode::Async />
                <Route
                    path=(StaticSegment("portal"), StaticSegment("profile"))
                    view=pages::portal::profile::ProfilePage
                    ssr=SsrMode::Async
                />
                <Route path=StaticSegment("signup") view=pages::signup::SignUpPage ssr=SsrMode::Async />
                <Route
                    path=StaticSegment("forgot-password")
                    view=pages::password_reset::ForgotPasswordPage
                    ssr=SsrMode::Async
                />
                <Route
                    path=(StaticSegment("password-reset"), ParamSegment("token"))
                    view=pages::password_reset::ResetPasswordPage
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
    }
}
