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
pub fn LoginForm(#[prop(into)] next: Signal<String>) -> impl IntoView {
    let login = ServerAction::<Login>::new();
    view! {
        <ActionForm action=login attr:class="stacked-form" attr:data-native-post="">
            <input type="hidden" name="next" value=move || next.get() />
            <label for="login-email">"Email"</label>
            <input id="login-email" type="email" name="email" required autocomplete="username" />
            <label for="login-password">"Password"</label>
            <input id="login-password" type="password" name="password" required autocomplete="current-password" />
            <FormError action=login />
            <SubmitButton label="Log in" pending_label="Logging in…" pending=login.pending() />
        </ActionForm>
    }
}
