pub mod code;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::invitations::sign_up_open,
    components::{
        branding::{branding_resource, surface_style, BrandTitle, CardBrand, PortalName},
        login_form::LoginForm,
    },
};

/// `/login`: the LOGIN screen.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = Signal::derive(move || query.with(|q| q.get("next").unwrap_or_default()));
    let email = Signal::derive(move || query.with(|q| q.get("email").unwrap_or_default()));
    // Back from a password reset: the new password is set, every session ended.
    let after_reset = move || query.with(|q| q.get("reset").is_some());
    let open = Resource::new(|| (), |_| sign_up_open());
    view! {
        <Title text="Log in" />
        <LoginBackdrop>
            <section class="card login-card" aria-labelledby="login-title">
                <CardBrand />
                <h1 id="login-title">"Log in"</h1>
                <Show when=after_reset>
                    <p class="form-notice" role="status" data-testid="password-reset-done">
                        "Your new password is set and every session of the account was signed out. Log in with the new password."
                    </p>
                </Show>
                <LoginForm next email />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        open.await.unwrap_or(false).then(|| view! {
                            <p class="muted">"New here? " <a href="/signup">"Create an account"</a></p>
                        })
                    })}
                </Suspense>
            </section>
        </LoginBackdrop>
    }
}

/// The login screen's background, in the color the admin chose (the portal body color); the
/// cards inside show the portal's name ([`CardBrand`]).
#[component]
pub fn LoginBackdrop(children: ChildrenFn) -> impl IntoView {
    let appearance = branding_resource();
    // The cards render only once the branding is read (inside the Suspend below), so they never
    // show a placeholder name.
    provide_context(PortalName(Signal::derive(move || {
        appearance
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .portal_name
    })));
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <main class="login-screen"></main> }>
            {move || Suspend::new(async move {
                let branding = appearance.await.unwrap_or_default();
                let color = branding.background;
                view! {
                    <BrandTitle name=branding.portal_name />
                    <main class="login-screen" data-testid="login-screen" style=surface_style("login", &color)>
                        {branding.logo.map(|src| view! { <img class="login-logo" src=src alt="" data-testid="login-logo" /> })}
                        {children.with_value(|children| children())}
                    </main>
                }
            })}
        </Suspense>
    }
}
