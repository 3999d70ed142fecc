//! One folder per page.

pub mod admin;
pub mod home;
pub mod invitation;
pub mod login;
pub mod not_found;
pub mod password_reset;
pub mod portal;
pub mod signup;

/// The pages served without the app's code (`components::plain_page`): forms whose answers are
/// redirects, met before an account exists, and the two pages a sign-in lands on, which only
/// show and link (the console's dashboard, the portal's home; `SessionUser::home`). The
/// two-step code page is not one: it shows new recovery codes in place.
pub fn is_plain(path: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    let one_token = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|token| !token.is_empty() && !token.contains('/'))
    };
    matches!(
        path,
        "/login" | "/signup" | "/forgot-password" | "/admin" | "/portal"
    ) || one_token("/password-reset/")
        || one_token("/invitation/")
}

#[cfg(test)]
mod tests {
    use super::is_plain;

    #[test]
    fn only_the_pages_met_before_an_account_and_the_landing_pages_go_without_the_app() {
        for plain in [
            "/login",
            "/login/",
            "/signup",
            "/forgot-password",
            "/password-reset/ab12",
            "/invitation/ab12",
            "/admin",
            "/admin/",
            "/portal",
        ] {
            assert!(is_plain(plain), "{plain}");
        }
        for app in [
            "/",
            "/login/code",
            "/password-reset/",
            "/password-reset/ab12/more",
            "/invitation/",
            "/invitation/ab12/more",
            "/admin/invitations",
            "/admin/settings",
            "/portal/profile",
        ] {
            assert!(!is_plain(app), "{app}");
        }
    }
}
