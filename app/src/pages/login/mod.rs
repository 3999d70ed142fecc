use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::Login;

/// `/login`: email and password. On success the server sends the browser on to `next` (a path on
/// this site) or the account's home.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let error = move || login.value().get().and_then(|result| result.err());

    view! {
        <Title text="Log in" />
        <main class="login-screen">
            <section class="card login-card" aria-labelledby="login-title">
                <p class="brand">"Portico"</p>
                <h1 id="login-title">"Log in"</h1>
                <ActionForm action=login attr:class="stacked-form">
                    <input type="hidden" name="next" prop:value=next />
                    <label for="login-email">"Email"</label>
                    <input id="login-email" type="email" name="email" required autocomplete="username" />
                    <label for="login-password">"Password"</label>
                    <input id="login-password" type="password" name="password" required autocomplete="current-password" />
                    {move || error().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                    <button type="submit" class="button primary" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
