use leptos::prelude::*;
use leptos_meta::Title;

use super::PortalScreen;
use crate::{api::portal::portal_home, components::auth::RequireUser};

/// The restricted portal home for signed-in developers (and admins): the content the admin
/// wrote in Settings.
#[component]
pub fn PortalHome() -> impl IntoView {
    view! {
        <Title text="Portal" />
        <RequireUser role=None render=|user| {
            let content = Resource::new(|| (), |_| portal_home());
            let name = user.full_name.clone();
            view! {
                <PortalScreen user>
                    <main class="page">
                        <h1>"Welcome, " {name.clone()}</h1>
                        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                            {move || Suspend::new(async move {
                                match content.await {
                                    // Rendered on the server from Markdown with raw HTML disabled.
                                    Ok(html) => view! { <article class="portal-content" inner_html=html></article> }.into_any(),
                                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </main>
                </PortalScreen>
            }
            .into_any()
        } />
    }
}
