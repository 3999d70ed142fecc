use leptos::prelude::*;

use crate::{
    api::auth::Login,
    components::form::{FormError, SubmitButton},
};

/// Email + password. On success the server sends the browser on to `next` (a path on this
/// site) or the account's home; a failure shows the same message whatever the reason.
///
/// The one form the browser may send itself before the app runs (`data-native-post`, read by
/// `hydration.js`): the server answers it with a redirect, to the next page or back here with
/// the error, so nothing of its answer needs the app.
#[component]
pub fn LoginForm(
    #[prop(into)] next: Signal<String>,
    /// The address to start with (after a password reset).
    #[prop(optional, into)]
    email: Option<Signal<String>>,
) -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let typed = RwSignal::new(email.map(|e| e.get_untracked()).unwrap_or_default());
    // "Forgot your password?" carries the address typed so far to the next page.
    let forgot_href = move || {
        let typed = typed.get();
        if typed.trim().is_empty() {
            "/forgot-password".to_owned()
        } else {
            let encoded: String =
                url::form_urlencoded::byte_serialize(typed.trim().as_bytes()).collect();
            format!("/forgot-password?email={encoded}")
        }
    };
    view! {
        <ActionForm action=login attr:class="stacked-form" attr:data-native-post="">
            <input type="hidden" name="next" value=move || next.get() />
            <label for="login-email">"Email"</label>
            <input
                id="login-email"
                type="email"
                name="email"
                required
                autocomplete="username"
                value=typed.get_untracked()
                prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev))
            />
            <div class="label-row">
                <label for="login-password">"Password"</label>
                <a href=forgot_href data-testid="forgot-password" data-carries-email="login-email">"Forgot your password?"</a>
            </div>
            <input id="login-password" type="password" name="password" required autocomplete="current-password" />
            <FormError action=login />
            <SubmitButton label="Log in" pending_label="Logging in…" pending=login.pending() />
        </ActionForm>
    }
}
