use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api::auth::{Logout, SessionUser},
    domain::Role,
};

/// The header of every signed-in page: the product, the navigation for the role, the signed-in
/// person and Sign out.
#[component]
pub fn TopBar(user: SessionUser) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let is_admin = user.role == Role::Admin;
    view! {
        <header class="topbar">
            <a class="brand" href=user.home()>"Portico"</a>
            <nav aria-label="Main">
                {is_admin.then(|| view! {
                    <A href="/admin/invitations">"Consumers › Invitations"</A>
                    <A href="/admin/developers">"Consumers › Developers"</A>
                    <A href="/admin/settings">"Settings"</A>
                    <A href="/admin/activity">"Activity"</A>
                })}
                <A href="/portal" exact=true>"Portal"</A>
                <A href="/portal/profile">"Profile"</A>
            </nav>
            <div class="account">
                <span class="account-name" data-testid="account-name">{user.full_name.clone()}</span>
                <ActionForm action=logout>
                    <button type="submit" class="button secondary">"Sign out"</button>
                </ActionForm>
            </div>
        </header>
    }
}
