use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

use crate::{api::auth::current_user, domain::Role, model::account::SessionUser};

/// Where an account that must choose its own password does so.
pub const OWN_PASSWORD_PAGE: &str = "/portal/profile";

/// Renders `render(user)` for a signed-in account with the required role. Anonymous visitors
/// are sent to the login page (and come back here afterwards); a signed-in account without the
/// role is sent to its own home; one that must first choose its own password, to the page
/// that asks for it. The server functions check again: this only shapes the UI.
#[component]
pub fn RequireUser<F>(role: Option<Role>, render: F) -> impl IntoView
where
    F: Fn(SessionUser) -> AnyView + Send + Sync + Clone + 'static,
{
    let user = Resource::new(|| (), |_| current_user());
    let location = use_location();
    view! {
        <Suspense fallback=|| view! { <p class="loading" aria-live="polite">"Loading…"</p> }>
            {move || {
                let render = render.clone();
                let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
                Suspend::new(async move {
                    match user.await {
                        // Nothing else works until the account has its own password: the
                        // profile page asks for it.
                        Ok(Some(user)) if user.must_change_password && here.split('?').next() != Some(OWN_PASSWORD_PAGE) => {
                            view! { <Redirect path=OWN_PASSWORD_PAGE /> }.into_any()
                        }
                        Ok(Some(user)) if role.is_none_or(|r| r == user.role) => render(user),
                        Ok(Some(user)) => view! { <Redirect path=user.home() /> }.into_any(),
                        Ok(None) => {
                            let path = if here == "/" {
                                "/login".to_owned()
                            } else {
                                format!("/login?next={}", encode_query_value(&here))
                            };
                            view! { <Redirect path=path /> }.into_any()
                        }
                        Err(error) => {
                            view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// Percent-encodes a value for a URL query string.
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_a_path_with_a_query_for_the_next_parameter() {
        assert_eq!(
            super::encode_query_value("/admin?page=2&q=a b"),
            "/admin%3Fpage%3D2%26q%3Da%20b"
        );
    }
}
