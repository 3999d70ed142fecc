use leptos::prelude::*;

use crate::components::auth::RequireUser;

/// `/`: sends each visitor where they belong (admins to the console, developers to the portal,
/// anonymous visitors to the login page).
#[component]
pub fn HomeRedirect() -> impl IntoView {
    view! {
        <RequireUser role=None render=|user| {
            view! { <leptos_router::components::Redirect path=user.home() /> }.into_any()
        } />
    }
}
