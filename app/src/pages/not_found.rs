use leptos::prelude::*;
use leptos_meta::Title;

/// Any path Portico does not know: a 404 with a way back.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <main class="centered-page">
            <section class="card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address. Check the link, or go to the start page."</p>
                <a class="button" href="/">"Go to Portico"</a>
            </section>
        </main>
    }
}
