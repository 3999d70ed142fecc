//! The admin's invitation screens and the developer's invitation link.

use leptos::prelude::*;

use super::ApiError;
use crate::model::import::{ImportPreview, ImportSent};
use crate::model::invitation::{
    CompletionOutcome, InvitationLanding, InvitationList, InvitationRow, InviteReport,
    ReviewDecision,
};

/// Invites one or more `;`-separated addresses. Each entry gets its own outcome; valid ones are
/// invited even when others are refused.
/// `role` is `developer` (the default) or `admin`; an admin's invitation needs no review.
#[server(endpoint = "invite")]
pub async fn invite(
    emails: String,
    pre_approved: Option<bool>,
    role: Option<String>,
) -> Result<InviteReport, ApiError> {
    use crate::{
        domain::Role,
        ssr::{
            services::{invitations, operator::Operator},
            AppState,
        },
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let role = match role.as_deref().map(str::trim) {
        None | Some("") => Role::Developer,
        Some(value) => Role::parse(value).ok_or_else(|| {
            ApiError::InvalidInput(format!(
                "Unknown role {value:?}: invite as developer or admin."
            ))
        })?,
    };
    limits::count_invite_call(&state, &admin).await?;
    let now = chrono::Utc::now();
    let operator = Operator::Admin(&admin);
    Ok(invitations::invite(&state, operator, &emails, pre_approved, role, now).await?)
}

/// Reads an import (a CSV file's text or a pasted list; see `domain::import`) and says what
/// inviting each row would do. Nothing is stored.
#[server(endpoint = "preview_import")]
pub async fn preview_import(text: String) -> Result<ImportPreview, ApiError> {
    use crate::ssr::{services::invitations, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(invitations::import::preview(&state, &text, chrono::Utc::now()).await?)
}

/// Invites the good rows among `count` rows of the import from row `first` (0-based), in one
/// transaction; the page sends an import a part at a time to show its progress.
#[server(endpoint = "send_import")]
pub async fn send_import(text: String, first: usize, count: usize) -> Result<ImportSent, ApiError> {
    use crate::ssr::{
        services::{invitations, operator::Operator},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    limits::count_invite_call(&state, &admin).await?;
    let operator = Operator::Admin(&admin);
    let now = chrono::Utc::now();
    Ok(invitations::import::send(&state, operator, &text, first, count, now).await?)
}

/// One page of invitations, filtered by part of the email and by status, newest first unless
/// sorted otherwise.
#[server(endpoint = "list_invitations")]
pub async fn list_invitations(
    search: Option<String>,
    status: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
    sort: Option<String>,
    descending: Option<bool>,
    cursor: Option<String>,
) -> Result<InvitationList, ApiError> {
    use crate::ssr::{services::invitations, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    let query =
        invitations::ListQuery::parse(search, status, page, page_size, sort, descending, cursor)?;
    Ok(invitations::list(&state.db, &query, chrono::Utc::now()).await?)
}

/// Replaces an invitation with a new one (new link, new validity window) and emails it.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(id: i32) -> Result<InvitationRow, ApiError> {
    use crate::ssr::{
        services::{invitations, operator::Operator},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    limits::count_invite_call(&state, &admin).await?;
    Ok(invitations::resend(&state, Operator::Admin(&admin), id, chrono::Utc::now()).await?)
}

/// Deletes a Pending or Expired invitation; its link stops working.
#[server(endpoint = "delete_invitation")]
pub async fn delete_invitation(id: i32) -> Result<(), ApiError> {
    use crate::ssr::{
        services::{invitations, operator::Operator},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(invitations::delete(&state.db, Operator::Admin(&admin), id, chrono::Utc::now()).await?)
}

/// Accepts or denies a Waiting registration; the developer is emailed the decision. A denial
/// may give a `reason` (at most 500 characters, sent to the developer and kept in the audit
/// log); an acceptance with a reason is refused.
#[server(endpoint = "review_invitation")]
pub async fn review_invitation(
    id: i32,
    decision: ReviewDecision,
    reason: Option<String>,
) -> Result<InvitationRow, ApiError> {
    use crate::ssr::{
        services::{invitations, operator::Operator},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let now = chrono::Utc::now();
    Ok(invitations::review(
        &state.db,
        Operator::Admin(&admin),
        id,
        decision,
        reason.as_deref(),
        now,
    )
    .await?)
}

/// What state an invitation link is in. Reading it never uses the link up.
#[server(endpoint = "invitation_by_token")]
pub async fn invitation_by_token(token: String) -> Result<InvitationLanding, ApiError> {
    use crate::{
        domain::LinkState,
        ssr::{services::invitations, AppState},
    };
    let state = AppState::from_context();
    crate::ssr::rate_limit::refuse_after_bad_links(&state).await?;
    let landing = invitations::landing(&state.db, &token, chrono::Utc::now()).await?;
    if landing.state == LinkState::Unknown {
        crate::ssr::rate_limit::count_bad_link(&state).await?;
    }
    Ok(landing)
}

/// Creates the developer's account from an invitation link or a self sign-up's link (single
/// use), with the name and password chosen on its page. Pre-approved: the developer is signed
/// in, in a fresh session (whoever was signed in in this browser before is signed out);
/// otherwise the registration waits for an administrator.
#[server(endpoint = "complete_registration")]
pub async fn complete_registration(
    token: String,
    full_name: String,
    password: String,
    confirmation: String,
) -> Result<CompletionOutcome, ApiError> {
    use crate::{
        domain::{
            mfa::{second_step, SecondStep},
            Role,
        },
        ssr::{
            auth::challenge,
            services::{invitations, settings, sign_in::sign_in},
            AppState,
        },
    };
    use sea_orm::EntityTrait;
    let state = AppState::from_context();
    crate::ssr::rate_limit::refuse_after_bad_links(&state).await?;
    let now = chrono::Utc::now();
    let completed = counting_unknown_link(
        &state,
        invitations::complete(&state.db, &token, &full_name, &password, &confirmation, now).await,
    )
    .await?;
    let outcome = if completed.outcome != CompletionOutcome::Approved {
        completed.outcome
    } else {
        // Completing a link is a sign-in: the same second step as a login applies.
        let account = crate::ssr::entities::account::Entity::find_by_id(completed.account_id)
            .one(&state.db)
            .await?;
        let step = match &account {
            Some(account) => second_step(
                Role::parse(&account.role).unwrap_or(Role::Developer),
                account.mfa_secret.is_some(),
                settings::load(&state.db).await?.require_admin_mfa,
            ),
            None => SecondStep::None,
        };
        if step != SecondStep::None {
            challenge::start(&state, completed.account_id, step, None, now).await?;
            CompletionOutcome::CodeStep
        } else {
            sign_in(&state, completed.account_id, &completed.email, now).await?;
            CompletionOutcome::Approved
        }
    };
    send_on_after_completion(&token, outcome);
    Ok(outcome)
}

/// Where the browser goes once its link is complete (a redirect, so the link's page works
/// without the app). Approved: home, signed in (the portal for a developer, the console for
/// an invited administrator). Waiting: back to the link, which now says so and thanks them
/// (`?registered`). Code step: `/login/code`. The token has just been matched to a stored
/// link, so it is one of ours (hex) and safe in a path.
#[cfg(feature = "ssr")]
fn send_on_after_completion(token: &str, outcome: CompletionOutcome) {
    match outcome {
        CompletionOutcome::Approved => leptos_axum::redirect("/"),
        CompletionOutcome::Waiting => super::redirect_with_query(
            &crate::domain::invitation::link_path(token),
            &[("registered", "1")],
        ),
        CompletionOutcome::CodeStep => leptos_axum::redirect("/login/code"),
    }
}

/// Self sign-up (when the settings allow it). The answer is the same for every address: the
/// next step is always the email (a link to choose the password, or a notice that the
/// address is known). No password is taken here: it is chosen on the emailed link's page.
#[server(endpoint = "sign_up")]
pub async fn sign_up(email: String, full_name: String) -> Result<(), ApiError> {
    use crate::ssr::{rate_limit, services::invitations, AppState};
    let state = AppState::from_context();
    let limits = &state.settings.rate_limits;
    let bucket = rate_limit::ip_bucket(&state, "sign-ups-ip");
    rate_limit::count(&state, &bucket, limits.sign_ups_per_ip).await?;
    // Every sign-up for an address sends it one email (a link or a notice), known or not, so
    // this limit tells nothing about the address either; an unreadable one sends nothing.
    if crate::domain::Email::parse(&email).is_ok() {
        let recipient = rate_limit::account_bucket("mails-recipient", &email);
        rate_limit::count(&state, &recipient, limits.mails_per_recipient).await?;
    }
    invitations::sign_up(&state, &email, &full_name, chrono::Utc::now()).await?;
    // The page says where the email went (`/signup?sent=`).
    super::redirect_with_query("/signup", &[("sent", email.trim())]);
    Ok(())
}

/// Whether the login page offers self sign-up (public: shown before sign-in).
#[server(endpoint = "sign_up_open")]
pub async fn sign_up_open() -> Result<bool, ApiError> {
    use crate::ssr::{services::settings, AppState};
    let state = AppState::from_context();
    let settings = settings::load(&state.db).await?;
    Ok(settings.self_registration != crate::domain::SelfRegistration::Off)
}

#[cfg(feature = "ssr")]
pub(crate) use limits::count_invite_call;

/// Passes a link's outcome on; an unknown link counts against the client first, like one
/// opened (the bad-link limit).
#[cfg(feature = "ssr")]
pub(crate) async fn counting_unknown_link<T>(
    state: &crate::ssr::AppState,
    outcome: Result<T, crate::ssr::services::invitations::InvitationError>,
) -> Result<T, ApiError> {
    use crate::{domain::LinkState, ssr::services::invitations::InvitationError};
    if matches!(outcome, Err(InvitationError::Link(LinkState::Unknown))) {
        crate::ssr::rate_limit::count_bad_link(state).await?;
    }
    Ok(outcome?)
}

/// The rate limits of the invitation endpoints.
#[cfg(feature = "ssr")]
mod limits {
    use crate::{
        model::account::SessionUser,
        ssr::{
            rate_limit::{self, LimitError},
            AppState,
        },
    };

    /// Invite and resend calls per admin (PORTICO_RATE_INVITES_PER_HOUR).
    pub async fn count_invite_call(
        state: &AppState,
        admin: &SessionUser,
    ) -> Result<(), LimitError> {
        let limit = state.settings.rate_limits.invites_per_admin;
        rate_limit::count(state, &format!("invites-admin:{}", admin.id), limit).await
    }
}
