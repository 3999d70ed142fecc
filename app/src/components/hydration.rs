//! Starts the WASM app once the server-rendered page has painted.

use leptos::{nonce::use_nonce, prelude::*};

/// Loads the app's JS and WASM and hydrates the page, after its first paint.
///
/// Leptos's `HydrationScripts` preloads both files from `<head>` at high priority, so on a slow
/// link the page's first paint competed with 0.5 MB of code it does not need to be seen
/// (Lighthouse put the login page's largest paint at 3.6 s behind the WASM, 10 s before it
/// was compressed). Here nothing is requested before the page is on screen; the forms work
/// without the app in the meantime (they post to their server functions). Without
/// `LEPTOS_HASH_FILES` or islands, which Portico does not use, this is the same start-up code.
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
    // requestAnimationFrame runs just before the next frame is painted; the timeout it sets
    // runs just after, so the requests start once the page is visible.
    let script = format!(
        "requestAnimationFrame(() => setTimeout(() => \
           import({js:?}).then((app) => \
             app.default({{ module_or_path: {wasm:?} }}).then(() => app.hydrate()))));",
        js = format!("{pkg}.js"),
        wasm = format!("{pkg}{wasm_suffix}.wasm"),
    );
    view! { <script type="module" nonce=use_nonce()>{script}</script> }
}
