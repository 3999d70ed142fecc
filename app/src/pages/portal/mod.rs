use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{auth::RequireUser, layout::TopBar};

/// The restricted portal home for signed-in developers (and admins).
#[component]
pub fn PortalHome() -> impl IntoView {
    view! {
        <Title text="Portal" />
        <RequireUser role=None render=|user| {
            view! {
                <TopBar user=user.clone() />
                <main class="page">
                    <h1>"Welcome, " {user.full_name.clone()}</h1>
                    <p>"You are signed in to the developer portal."</p>
                </main>
            }
            .into_any()
        } />
    }
}
