//! The portal's name and color on every page's frame: the login cards, the top bar, the title
//! and the portal body. One read per frame, shared by the pieces of that frame.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::settings::portal_branding,
    model::{branding::Branding, ApiError},
};

/// The branding as a frame reads it; its pieces await the same resource.
pub type BrandingResource = Resource<Result<Branding, ApiError>>;

pub fn branding_resource() -> BrandingResource {
    Resource::new(|| (), |_| portal_branding())
}

/// The portal's name, provided by a frame (the login backdrop) to the cards inside it.
#[derive(Clone, Copy)]
pub struct PortalName(pub Signal<String>);

/// The brand line at the top of a login, sign-up or invitation card.
#[component]
pub fn CardBrand() -> impl IntoView {
    let name = use_context::<PortalName>()
        .map(|n| n.0)
        .unwrap_or_else(|| Signal::derive(|| Branding::default().portal_name));
    view! { <p class="brand">{move || name.get()}</p> }
}

/// Makes the page title end with the portal's name ("Log in · Acme APIs"); rendered once the
/// branding is read, it replaces the app's default formatter.
#[component]
pub fn BrandTitle(name: String) -> impl IntoView {
    view! {
        <Title formatter=move |title: String| {
            let text = if title.is_empty() { name.clone() } else { format!("{title} · {name}") };
            // leptos_meta writes the server's `<title>` as is, so a name like "A&B <APIs>" is
            // escaped there; in the browser `document.title` takes plain text.
            if cfg!(feature = "ssr") { escape_text(&text) } else { text }
        } />
    }
}

/// The inline style that paints a surface (`login` or `portal`) in the portal's color, with
/// text in the color that stays readable on it: `--<surface>-background` and `--<surface>-ink`.
pub fn surface_style(surface: &str, color: &crate::domain::HexColor) -> String {
    format!(
        "--{surface}-background: {}; --{surface}-ink: {}",
        color.as_str(),
        color.readable_text_color()
    )
}

/// `text` as HTML text content.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn title_text_is_escaped_for_html() {
        assert_eq!(
            super::escape_text("A&B <APIs> · Log in"),
            "A&amp;B &lt;APIs&gt; · Log in"
        );
    }
}
