//! How the server's failures become the one [`ApiError`] the client sees. Each layer below
//! keeps its own error type; the `From` conversions here let a server function pass any of them
//! on with a plain `?`. The HTTP status of an error is decided in one place,
//! [`ApiError::status`], which the router applies to every server function's error answer.

#[cfg(feature = "ssr")]
mod conversions {
    use std::panic::Location;

    use crate::model::ApiError;
    use crate::ssr::{
        rate_limit::LimitError,
        services::{
            api_tokens::ApiTokenError, developers::DeveloperError, invitations::InvitationError,
            mfa::MfaError, password_reset::PasswordResetError, profile::ProfileError,
            sessions::SessionsError,
        },
    };

    impl From<sea_orm::DbErr> for ApiError {
        /// A database failure: logged where the `?` stands, answered with a reference.
        #[track_caller]
        fn from(error: sea_orm::DbErr) -> Self {
            internal(&Location::caller().to_string(), error)
        }
    }

    impl From<LimitError> for ApiError {
        #[track_caller]
        fn from(error: LimitError) -> Self {
            match error {
                LimitError::Full { retry_after } => ApiError::RateLimited(retry_after),
                LimitError::Database(e) => e.into(),
            }
        }
    }

    impl From<InvitationError> for ApiError {
        #[track_caller]
        fn from(error: InvitationError) -> Self {
            use crate::domain::Standing;
            use InvitationError as E;
            match error {
                E::NotFound => {
                    ApiError::NotFound("This invitation no longer exists; refresh the list.".into())
                }
                E::Refused(refusal) => ApiError::Conflict(refusal.reason().to_owned()),
                E::ChangedMeanwhile => {
                    ApiError::Conflict(crate::domain::invitation::CHANGED_MEANWHILE.into())
                }
                E::InvalidInput(message) => ApiError::InvalidInput(message),
                E::SignUpClosed => ApiError::Disabled(
                    "Sign-up is closed on this portal: ask its administrators for an invitation."
                        .into(),
                ),
                E::NotDenied(Standing::Deactivated) => ApiError::Conflict(
                    "The account of this address was deactivated by an administrator: an \
                     invitation cannot reactivate it. Reactivate it in Consumers › Developers \
                     instead."
                        .into(),
                ),
                E::NotDenied(standing) => ApiError::Conflict(format!(
                    "The account of this address is no longer a denied registration (it is now \
                     {}): refresh the list.",
                    standing.label().to_lowercase()
                )),
                E::DomainDenied(rule) => ApiError::Disabled(format!(
                    "This portal does not take invitations or sign-ups for this address's \
                     domain (refused by {rule}). Use an address at another domain, or ask the \
                     portal's administrators."
                )),
                E::RequestRefused(refusal) => ApiError::Conflict(refusal.to_string()),
                E::Link(state) => {
                    ApiError::Conflict(format!("{} {}", state.title(), state.message()))
                }
                E::Database(e) => e.into(),
                E::Internal(e) => internal(&Location::caller().to_string(), e),
            }
        }
    }

    impl From<DeveloperError> for ApiError {
        #[track_caller]
        fn from(error: DeveloperError) -> Self {
            use DeveloperError as E;
            match error {
                E::NotFound => {
                    ApiError::NotFound("This account no longer exists; refresh the list.".into())
                }
                E::Refused(refusal) => ApiError::Conflict(refusal.to_string()),
                E::NotDemoted(refusal) => ApiError::Conflict(refusal.to_string()),
                E::ChangedMeanwhile => ApiError::Conflict(
                    "This account changed meanwhile; the list shows it as it is now.".into(),
                ),
                E::InvalidInput(message) => ApiError::InvalidInput(message),
                E::Database(e) => e.into(),
                E::Internal(e) => internal(&Location::caller().to_string(), e),
            }
        }
    }

    impl From<ApiTokenError> for ApiError {
        #[track_caller]
        fn from(error: ApiTokenError) -> Self {
            use ApiTokenError as E;
            match error {
                E::InvalidInput(message) => ApiError::InvalidInput(message),
                E::NotFound => {
                    ApiError::NotFound("This token no longer exists; refresh the list.".into())
                }
                E::AlreadyRevoked => ApiError::Conflict(
                    "This token was revoked already: nothing can use it any more.".into(),
                ),
                E::Database(e) => e.into(),
            }
        }
    }

    impl From<crate::ssr::webhooks::endpoints::WebhookError> for ApiError {
        #[track_caller]
        fn from(error: crate::ssr::webhooks::endpoints::WebhookError) -> Self {
            use crate::ssr::webhooks::endpoints::WebhookError as E;
            match error {
                E::InvalidInput(message) => ApiError::InvalidInput(message),
                E::NotFound => ApiError::NotFound(
                    "This endpoint or delivery no longer exists; refresh the list.".into(),
                ),
                E::Conflict(message) => ApiError::Conflict(message),
                E::Database(e) => e.into(),
            }
        }
    }

    impl From<crate::ssr::services::domain_rules::DomainRuleError> for ApiError {
        #[track_caller]
        fn from(error: crate::ssr::services::domain_rules::DomainRuleError) -> Self {
            use crate::ssr::services::domain_rules::DomainRuleError as E;
            match error {
                E::InvalidInput(message) => ApiError::InvalidInput(message),
                E::NotFound => {
                    ApiError::NotFound("This rule no longer exists; refresh the list.".into())
                }
                E::Conflict(message) => ApiError::Conflict(message),
                E::Database(e) => e.into(),
            }
        }
    }

    impl From<crate::ssr::services::email_templates::EmailTemplateError> for ApiError {
        #[track_caller]
        fn from(error: crate::ssr::services::email_templates::EmailTemplateError) -> Self {
            use crate::ssr::services::email_templates::EmailTemplateError as E;
            match error {
                E::Invalid(problems) => ApiError::InvalidInput(problems.to_string()),
                E::Database(e) => e.into(),
            }
        }
    }

    impl From<crate::ssr::services::logo::LogoError> for ApiError {
        #[track_caller]
        fn from(error: crate::ssr::services::logo::LogoError) -> Self {
            use crate::ssr::services::logo::LogoError as E;
            match error {
                E::InvalidInput(message) => ApiError::InvalidInput(message),
                E::Database(e) => e.into(),
            }
        }
    }

    impl From<ProfileError> for ApiError {
        #[track_caller]
        fn from(error: ProfileError) -> Self {
            use ProfileError as E;
            match error {
                E::InvalidInput(message) => ApiError::InvalidInput(message),
                E::WrongPassword => ApiError::InvalidInput(
                    "The current password is not right: type the password you log in with now."
                        .into(),
                ),
                E::Database(e) => e.into(),
                E::Internal(e) => internal(&Location::caller().to_string(), e),
            }
        }
    }

    impl From<PasswordResetError> for ApiError {
        #[track_caller]
        fn from(error: PasswordResetError) -> Self {
            use PasswordResetError as E;
            match error {
                E::InvalidInput(message) => ApiError::InvalidInput(message),
                E::Link(state) => {
                    ApiError::Conflict(format!("{}. {}", state.title(), state.message()))
                }
                E::CannotSignIn => ApiError::Conflict(
                    "This account can no longer log in (an administrator deactivated it), so \
                     its password cannot be reset. Contact the portal's administrators."
                        .into(),
                ),
                E::Database(e) => e.into(),
                E::Internal(e) => internal(&Location::caller().to_string(), e),
            }
        }
    }

    impl From<SessionsError> for ApiError {
        #[track_caller]
        fn from(error: SessionsError) -> Self {
            use SessionsError as E;
            match error {
                E::NotFound => ApiError::NotFound(
                    "This session has already ended; the list shows the sessions as they are now."
                        .into(),
                ),
                E::Current => ApiError::InvalidInput(
                    "This is the session you are using: sign out instead.".into(),
                ),
                E::NoAccount => {
                    ApiError::NotFound("This account no longer exists; refresh the list.".into())
                }
                E::Database(e) => e.into(),
            }
        }
    }

    impl From<MfaError> for ApiError {
        #[track_caller]
        fn from(error: MfaError) -> Self {
            use MfaError as E;
            match error {
                E::InvalidInput(message) => ApiError::InvalidInput(message),
                E::WrongCode => ApiError::InvalidInput(
                    "That code is not right. Type the 6 digits your authenticator app shows for \
                     this portal now (they change every 30 seconds), or an unused recovery code."
                        .into(),
                ),
                E::CodeUsed => ApiError::InvalidInput(
                    "That code was used already: each code works once. Wait for the app to show \
                     the next one and type that."
                        .into(),
                ),
                E::WrongPassword => ApiError::InvalidInput(
                    "The password is not right: type the password you log in with.".into(),
                ),
                E::NotEnrolled => ApiError::Conflict(
                    "Two-step sign-in is not set up for this account; reload the page.".into(),
                ),
                E::AlreadyEnrolled => ApiError::Conflict(
                    "Two-step sign-in is already set up for this account; reload the page.".into(),
                ),
                E::NoEnrollment => ApiError::Conflict(
                    "There is no authenticator being set up: start again with \"Set up\".".into(),
                ),
                E::NotAvailable => ApiError::Forbidden,
                E::Database(e) => e.into(),
            }
        }
    }

    /// What a request the database rolled back to break a deadlock is told (409).
    pub const CHANGED_AT_THE_SAME_MOMENT: &str = "Someone else changed the same records at this \
         very moment, so nothing of this change was saved. Reload the page to see them as they \
         are now, and try again if it still applies.";

    /// Logs an internal failure with a fresh correlation id and returns the generic error that
    /// carries only that id to the client. A database error that means the database cannot
    /// serve for now (unreachable, read-only, disk full) becomes a 503 that says so, with the
    /// same id: the person can try again later, and nothing about it is a bug in the request.
    /// A deadlock the database broke by rolling this request's transaction back is a 409 that
    /// asks to try again (services whose races are expected run theirs again first:
    /// `db::retrying_deadlocks`).
    pub fn internal(context: &str, detail: impl std::fmt::Display + 'static) -> ApiError {
        let database = (&detail as &dyn std::any::Any).downcast_ref::<sea_orm::DbErr>();
        if database.is_some_and(crate::ssr::db::is_deadlock) {
            // Rolled back whole by the database, which let the other change through: nothing
            // is half-written, and the change can be made again against what is there now.
            tracing::warn!("{context}: {detail}");
            return ApiError::Conflict(CHANGED_AT_THE_SAME_MOMENT.into());
        }
        let id = crate::ssr::random::correlation_id();
        tracing::error!(correlation_id = %id, "{context}: {detail}");
        let outage = database.and_then(crate::ssr::db::outage);
        match outage {
            Some(outage) => ApiError::ServiceUnavailable(outage.message(&id)),
            None => ApiError::Internal(id),
        }
    }
}

#[cfg(feature = "ssr")]
pub use conversions::{internal, CHANGED_AT_THE_SAME_MOMENT};
