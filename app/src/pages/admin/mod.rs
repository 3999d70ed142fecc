use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    components::{auth::RequireUser, layout::TopBar},
    domain::Role,
};

/// The admin console's start page, behind an admin session.
#[component]
pub fn AdminHome() -> impl IntoView {
    view! {
        <Title text="Admin" />
        <RequireUser role=Some(Role::Admin) render=|user| {
            view! {
                <TopBar user=user.clone() />
                <main class="page">
                    <h1>"Consumers"</h1>
                    <p class="muted">"Signed in as " {user.email.clone()} "."</p>
                </main>
            }
            .into_any()
        } />
    }
}
