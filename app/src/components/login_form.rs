use leptos::prelude::*;

use crate::api::auth::Login;

/// Email + password. On success the server sends the browser on to `next` (a path on this
/// site) or the account's home; a failure shows the same message whatever the reason.
#[component]
pub fn LoginForm(#[prop(into)] next: Signal<String>) -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = move || login.value().get().and_then(|result| result.err());
    view! {
        <ActionForm action=login attr:class="stacked-form">
            <input type="hidden" name="next" value=move || next.get() />
            <label for="login-email">"Email"</label>
            <input id="login-email" type="email" name="email" required autocomplete="username" />
            <label for="login-password">"Password"</label>
            <input id="login-password" type="password" name="password" required autocomplete="current-password" />
            {move || error().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            <button type="submit" class="button primary" disabled=move || login.pending().get()>
                {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
            </button>
        </ActionForm>
    }
}
