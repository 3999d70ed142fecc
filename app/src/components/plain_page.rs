//! Pages that work as the server renders them, without the app's code.
//!
//! The pages a developer meets first (log in, sign up, a forgotten password) are forms whose
//! answers are redirects, and the two a sign-in lands on (the console's dashboard, the portal's
//! home) only show and link, so they need none of the app's 920 KB (gzip) of WASM: the shell
//! leaves the app out of them ([`crate::pages::is_plain`] lists them) and adds a few lines of
//! script instead (`plain_page.js`), which reads what the server rendered:
//! - the password rules, ticked as the password is typed, each by the pattern the domain gives
//!   it ([`crate::domain::PasswordRule::pattern`]);
//! - the show/hide toggle and the "passwords differ" note of the password fields;
//! - a submit button kept disabled while the form's fields are not valid (the HTML constraints
//!   the server rendered, and the rules above), and its pending label once sent;
//! - "Forgot your password?" carrying the address typed so far.
//!
//! The forms post to their server functions; an error comes back in the URL, where the form
//! shows it, and a success is a redirect to the next page (or to the same page saying so, like
//! `/signup?sent=`). Should a link inside the app lead to one of these pages, the app renders
//! it as any other, from the same components and URLs.

use leptos::{nonce::use_nonce, prelude::*};

/// Provided by the shell to a page rendered without the app: the components that would wait
/// for the app to decide (a submit button waiting for valid fields) leave it to the script.
#[derive(Clone, Copy, Debug)]
pub struct PlainPage;

/// Whether the page being rendered goes without the app.
pub fn is_plain_page() -> bool {
    use_context::<PlainPage>().is_some()
}

/// The script of a page without the app (inline: no request of its own).
#[component]
pub fn PlainPageScript() -> impl IntoView {
    view! { <script type="module" nonce=use_nonce()>{include_str!("plain_page.js")}</script> }
}
