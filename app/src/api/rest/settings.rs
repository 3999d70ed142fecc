//! `/api/v1/settings`: the portal's settings, read and changed with the same checks as the
//! Settings page.

use axum::extract::State;

use super::{
    auth::Caller,
    extract::Json,
    problem::{RestError, RestResult},
    types::{Settings, SettingsChange},
};
use crate::{
    domain::{PortalSettings, SettingsForm},
    ssr::{
        services::{operator::Operator, settings},
        AppState,
    },
};

/// Reads the portal's settings.
#[utoipa::path(get, path = "/settings", operation_id = "getSettings", tag = "settings",
    responses((status = 200, description = "The settings", body = Settings)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
) -> RestResult<axum::Json<Settings>> {
    Ok(axum::Json(view(settings::load(&state.db).await?)))
}

/// Changes some settings; absent fields keep their value. Every invalid field is named.
#[utoipa::path(patch, path = "/settings", operation_id = "updateSettings", tag = "settings", request_body = SettingsChange,
    responses((status = 200, description = "The settings as they are now", body = Settings)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(change): Json<SettingsChange>,
) -> RestResult<axum::Json<Settings>> {
    let current = view(settings::load(&state.db).await?);
    // Who must sign in with a code is the console's decision: a leaked token must not be able
    // to lift it.
    if change
        .require_admin_mfa
        .is_some_and(|wanted| wanted != current.require_admin_mfa)
    {
        return Err(RestError(crate::model::ApiError::Disabled(
            "An API token cannot change whether administrators need two-step sign-in: change \
             it in Settings in the console."
                .into(),
        )));
    }
    let form = SettingsForm {
        auto_approve: change.auto_approve.unwrap_or(current.auto_approve),
        validity_hours: change
            .validity_hours
            .unwrap_or(current.validity_hours)
            .to_string(),
        self_registration: change
            .self_registration
            .map_or(current.self_registration, |s| s.as_str().to_owned()),
        password_policy: change
            .password_policy
            .map_or(current.password_policy, |p| p.as_str().to_owned()),
        login_background: change.login_background.unwrap_or(current.login_background),
        portal_content: change.portal_content.unwrap_or(current.portal_content),
        require_admin_mfa: change
            .require_admin_mfa
            .unwrap_or(current.require_admin_mfa),
        accent_color: change.accent_color.unwrap_or(current.accent_color),
        portal_name: change
            .portal_name
            .or(current.portal_name)
            .unwrap_or_default(),
        reminder_hours: change
            .reminder_hours
            .unwrap_or(current.reminder_hours)
            .to_string(),
        auto_resend_requests: change
            .auto_resend_requests
            .unwrap_or(current.auto_resend_requests),
    };
    let parsed = form
        .parse()
        .map_err(|problems| RestError::invalid(problems.join(". ")))?;
    let actor = Operator::Token(&caller).actor();
    Ok(axum::Json(view(
        settings::save(&state.db, &parsed, actor).await?,
    )))
}

fn view(current: PortalSettings) -> Settings {
    Settings {
        auto_approve: current.auto_approve,
        validity_hours: current.validity.hours(),
        self_registration: current.self_registration.as_str().to_owned(),
        password_policy: current.password_policy.as_str().to_owned(),
        login_background: current.login_background.as_str().to_owned(),
        portal_content: current.portal_content,
        require_admin_mfa: current.require_admin_mfa,
        accent_color: current.accent_color.as_str().to_owned(),
        portal_name: current.portal_name.map(String::from),
        reminder_hours: current.reminder.hours(),
        auto_resend_requests: current.auto_resend_requests,
    }
}
