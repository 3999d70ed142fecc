//! The restricted portal: pages for signed-in, active developers (and admins).

mod home;
mod mfa;
pub mod profile;
mod sessions;

pub use home::PortalHome;

use leptos::prelude::*;

use crate::{
    components::{
        branding::{branding_resource, surface_style},
        layout::TopBar,
    },
    domain::color::LIGHT_TEXT,
    model::account::SessionUser,
};

/// The frame of every portal page: the top bar, and the page body painted in the color the
/// admin chose in Settings for the login screen and the portal body (the same color, as
/// Settings says).
#[component]
pub fn PortalScreen(user: SessionUser, children: ChildrenFn) -> impl IntoView {
    let branding = branding_resource();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <div class="portal-screen"></div> }>
            {move || {
                let user = user.clone();
                Suspend::new(async move {
                    let color = branding.await.unwrap_or_default().background;
                    view! {
                        <div
                            class="portal-screen"
                            class:on-dark=color.readable_text_color() == LIGHT_TEXT
                            data-testid="portal-screen"
                            style=surface_style("portal", &color)
                        >
                            <TopBar user branding />
                            {children.with_value(|children| children())}
                        </div>
                    }
                })
            }}
        </Suspense>
    }
}
