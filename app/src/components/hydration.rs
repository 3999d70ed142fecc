//! Starts the WASM app once the server-rendered page has painted.

use leptos::{nonce::use_nonce, prelude::*};

/// Loads the app's JS and WASM and hydrates the page, after its first paint.
///
/// Leptos's `HydrationScripts` preloads both files from `<head>` at high priority, so on a slow
/// link the page's first paint competed with 0.5 MB of code it does not need to be seen
/// (Lighthouse put the login page's largest paint at 3.6 s behind the WASM, 10 s before it
/// was compressed). Here nothing is requested before the page is on screen, and what a person
/// does meanwhile is kept (`hydration.js`): the login form (marked `data-native-post`) posts to
/// its server function, other forms are held and submitted once the app runs (their answer is
/// shown by the app: a toast, the next step, a search's new URL), typed text survives
/// hydration. Every server-function form is an `ActionForm`, so should the app fail to start
/// the held forms are released and post to their server functions, whose errors come back in
/// the URL. Portico uses neither hashed file names nor islands, so Leptos's start-up call is
/// otherwise the same.
#[component]
pub fn HydrationAfterPaint(options: LeptosOptions) -> impl IntoView {
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    // `LEPTOS_OUTPUT_NAME` (set in .cargo/config.toml) makes wasm-bindgen's `<name>_bg.wasm`
    // the site build's `<name>.wasm`, as Leptos itself assumes.
    let wasm_suffix = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        ""
    } else {
        "_bg"
    };
    let script = format!(
        "{}({:?}, {:?});",
        include_str!("hydration.js"),
        format!("{pkg}.js"),
        format!("{pkg}{wasm_suffix}.wasm"),
    );
    view! { <script type="module" nonce=use_nonce()>{script}</script> }
}
