use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api::auth::{Logout, SessionUser},
    components::branding::{BrandTitle, BrandingResource},
    domain::Role,
};

/// The header of every signed-in page: the portal's name, the navigation for the role, the
/// signed-in person and Sign out.
#[component]
pub fn TopBar(user: SessionUser, branding: BrandingResource) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let is_admin = user.role == Role::Admin;
    view! {
        <header class="topbar">
            <a class="brand" href=user.home()>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let name = branding.await.unwrap_or_default().portal_name;
                        view! { <BrandTitle name=name.clone() />{name} }
                    })}
                </Suspense>
            </a>
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
