use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

use crate::{
    api::auth::Logout,
    components::branding::{BrandTitle, BrandingResource},
    domain::Role,
    model::account::SessionUser,
};

/// Counts clicks on a navigation link to the page already shown. Such a click changes no URL,
/// so the router does nothing; a list page reads itself again when this changes (a click on
/// "Consumers › Invitations" while it is open brings it up to date). Provided by the admin frame.
#[derive(Clone, Copy)]
pub struct NavClicks(pub RwSignal<u32>);

/// How many requests for a new invitation wait, read once per admin page and shown twice (the
/// navigation's badge, and REQUESTS on Invitations). Provided by the admin frame; a page that
/// answers or settles requests calls [`WaitingRequests::changed`], and both badges follow.
#[derive(Clone, Copy)]
pub struct WaitingRequests {
    count: Resource<Result<u64, crate::model::ApiError>>,
    version: RwSignal<u32>,
}

impl WaitingRequests {
    pub fn new() -> Self {
        let version = RwSignal::new(0u32);
        let count = Resource::new(
            move || version.get(),
            |_| crate::api::link_requests::link_request_count(),
        );
        Self { count, version }
    }

    /// Reads the count again.
    pub fn changed(&self) {
        self.version.update(|v| *v = v.wrapping_add(1));
    }

    /// The count now (0 when it cannot be read: a badge is no place for an error).
    pub async fn waiting(&self) -> u64 {
        self.count.await.unwrap_or(0)
    }
}

impl Default for WaitingRequests {
    fn default() -> Self {
        Self::new()
    }
}

/// The header of every signed-in page: the portal's name, the navigation for the role, the
/// signed-in person and Sign out.
#[component]
pub fn TopBar(user: SessionUser, branding: BrandingResource) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let is_admin = user.role == Role::Admin;
    let clicks = use_context::<NavClicks>();
    let pathname = use_location().pathname;
    let on_nav_click = move |event: leptos::ev::MouseEvent| {
        let Some(NavClicks(clicks)) = clicks else {
            return;
        };
        if link_path(&event).is_some_and(|path| path == pathname.get_untracked()) {
            clicks.update(|n| *n = n.wrapping_add(1));
        }
    };
    view! {
        <header class="topbar">
            <a class="brand" href=user.home()>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let branding = branding.await.unwrap_or_default();
                        let name = branding.portal_name;
                        view! {
                            <BrandTitle name=name.clone() />
                            // Decorative: the name beside it says what it is.
                            {branding.logo.map(|src| view! { <img class="brand-logo" src=src alt="" /> })}
                            {name}
                        }
                    })}
                </Suspense>
            </a>
            <nav aria-label="Main" on:click=on_nav_click>
                {is_admin.then(|| view! {
                    <A href="/admin" exact=true>"Dashboard"</A>
                    <A href="/admin/invitations">"Consumers › Invitations"<RequestsBadge /></A>
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

/// How many developers wait for an answer to their request for a new invitation, beside the
/// Invitations link (nothing when none waits).
#[component]
fn RequestsBadge() -> impl IntoView {
    let requests = use_context::<WaitingRequests>().unwrap_or_default();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let waiting = requests.waiting().await;
                (waiting > 0).then(|| view! {
                    <span class="count-badge" data-testid="nav-requests-count"
                        title="Requests for a new invitation waiting">{waiting.to_string()}</span>
                    <span class="visually-hidden">" requests for a new invitation waiting"</span>
                })
            })}
        </Transition>
    }
}

/// The `href` of the link a click landed on (or inside), if any.
fn link_path(event: &leptos::ev::MouseEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    target.closest("a[href]").ok()??.get_attribute("href")
}
