//! The admin console: Consumers > Invitations, Consumers > Developers and Settings, behind an admin session.

pub mod activity;
pub mod dashboard;
pub mod developers;
pub mod invitations;
mod list_url;
pub mod settings;

use leptos::prelude::*;

use crate::{
    components::{
        auth::RequireUser,
        branding::branding_resource,
        layout::{NavClicks, TopBar, WaitingRequests},
        toast::ToastHost,
    },
    domain::Role,
};

/// `/admin`: the console opens on the onboarding dashboard.
#[component]
pub fn AdminHome() -> impl IntoView {
    view! { <dashboard::DashboardPage /> }
}

/// The frame of every admin page: the signed-in check, the header with navigation, toasts.
#[component]
pub fn AdminFrame(children: ChildrenFn) -> impl IntoView {
    let children = StoredValue::new(children);
    let branding = branding_resource();
    provide_context(NavClicks(RwSignal::new(0)));
    provide_context(WaitingRequests::new());
    view! {
        <RequireUser role=Some(Role::Admin) render=move |user| {
            view! {
                <ToastHost>
                    <TopBar user=user branding />
                    <main class="page" id="main">{children.with_value(|c| c())}</main>
                </ToastHost>
            }
            .into_any()
        } />
    }
}
