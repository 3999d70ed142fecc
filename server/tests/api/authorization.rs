//! Every admin server function refuses anonymous callers (401) and developers (403). The list
//! is read from the server's own registry of server functions, so a new one cannot be missed.

use crate::support::{call_with, TestApp};

/// Server functions anyone may call: signing in and out, the session's own identity, the
/// invitation link's page, self sign-up, the login screen's color, the portal's name and color
/// (every page's frame shows them), the password policy and account recovery.
const PUBLIC: &[&str] = &[
    "/api/login",
    "/api/logout",
    "/api/current_user",
    "/api/invitation_by_token",
    // The holder of an expired or replaced link (link_requests tests).
    "/api/request_new_invitation",
    "/api/complete_registration",
    "/api/login_appearance",
    "/api/portal_branding",
    "/api/password_policy",
    "/api/sign_up",
    "/api/sign_up_open",
    "/api/request_password_reset",
    "/api/password_reset_landing",
    "/api/reset_password",
    "/api/login_code_step",
    "/api/submit_login_code",
    // Any signed-in account: checked in the portal and profile tests.
    "/api/portal_home",
    "/api/update_profile",
    "/api/change_password",
    "/api/my_sessions",
    "/api/end_session",
    "/api/end_other_sessions",
    // Any signed-in account; only administrators may set one up (mfa tests).
    "/api/my_mfa",
    "/api/begin_mfa_enrollment",
    "/api/confirm_mfa_enrollment",
    "/api/regenerate_recovery_codes",
    "/api/disable_mfa",
];

fn admin_endpoints() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|path| !PUBLIC.contains(&path.as_str()))
        .collect();
    paths.sort();
    paths
}

#[tokio::test]
async fn every_admin_function_refuses_anonymous_callers_and_developers() {
    let app = TestApp::spawn().await;
    let endpoints = admin_endpoints();
    assert!(
        endpoints.len() >= 7,
        "expected the admin functions, found {endpoints:?}"
    );
    let developer = app.developer("dev@x.io").await;
    let anonymous = app.new_browser();
    let mut checked = 0;
    for path in &endpoints {
        let name = path.trim_start_matches("/api/");
        // Plausible arguments, so a refusal cannot be a decoding error.
        let form = [
            ("id", "1"),
            ("emails", "x@y.io"),
            ("decision", "accept"),
            ("action", "deactivate"),
        ];
        let as_anonymous = call_with(&anonymous, &app.address, name, &form)
            .await
            .status();
        let as_developer = call_with(&developer, &app.address, name, &form)
            .await
            .status();
        assert!(
            as_anonymous == 401 || (as_anonymous == 422 && as_developer != 200),
            "{path} answered {as_anonymous} to an anonymous caller"
        );
        assert!(
            as_developer == 403 || as_developer == 422,
            "{path} answered {as_developer} to a developer"
        );
        checked += 1;
    }
    assert_eq!(checked, endpoints.len());
}

#[tokio::test]
async fn functions_that_need_no_arguments_refuse_with_exactly_401_and_403() {
    let app = TestApp::spawn().await;
    let developer = app.developer("dev@x.io").await;
    for name in ["get_settings", "list_invitations", "list_developers"] {
        assert_eq!(
            call_with(&app.new_browser(), &app.address, name, &[])
                .await
                .status(),
            401,
            "{name}"
        );
        assert_eq!(
            call_with(&developer, &app.address, name, &[])
                .await
                .status(),
            403,
            "{name}"
        );
    }
}
