use leptos::prelude::*;

/// Previous/next links between the pages of a list, with where we are. A missing link is
/// shown disabled, so the controls do not jump around.
#[component]
pub fn PageLinks(
    /// e.g. "1–50 of 120" or "120 entries".
    #[prop(into)]
    summary: String,
    page: u64,
    pages: u64,
    previous: Option<String>,
    next: Option<String>,
    #[prop(default = "Previous")] previous_label: &'static str,
    #[prop(default = "Next")] next_label: &'static str,
) -> impl IntoView {
    let link = |href: Option<String>, label: &'static str, rel: &'static str| match href {
        Some(href) => {
            view! { <a class="button secondary small" href=href rel=rel>{label}</a> }.into_any()
        }
        None => view! { <span class="button secondary small" aria-disabled="true">{label}</span> }
            .into_any(),
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <span data-testid="pager-summary">{summary}</span>
            {link(previous, previous_label, "prev")}
            <span>{format!("Page {page} of {pages}")}</span>
            {link(next, next_label, "next")}
        </nav>
    }
}
