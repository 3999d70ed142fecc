//! The developer's side of an invitation: what its link says, and completing the registration.

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set,
};

use super::{condition_filter, effective, InvitationError};
use crate::{
    domain::{
        decide,
        invitation::{stored_condition_for_action, AccountChange},
        FullName, InvitationAction, InvitationStatus, LinkState, NewPassword, Password,
        PasswordPolicy, Role, StoredStatus,
    },
    model::{
        audit::AuditAction,
        invitation::{CompletionOutcome, InvitationLanding},
    },
    ssr::{
        auth::password,
        db::begin_write,
        entities::{account, invitation},
        random::token_hash,
        services::{audit, outbox, settings},
    },
};

/// A token as links carry it: 64 hex characters. Anything else is not looked up.
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn find_by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<invitation::Model>, InvitationError> {
    if !well_formed(token) {
        return Ok(None);
    }
    Ok(invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token_hash(&token.to_ascii_lowercase())))
        .one(db)
        .await?)
}

/// What the link's page should say. Reading never changes anything.
pub async fn landing(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<InvitationLanding, InvitationError> {
    let Some(model) = find_by_token(db, token).await? else {
        return Ok(InvitationLanding {
            state: LinkState::Unknown,
            email: None,
            self_sign_up: false,
            suggested_name: None,
        });
    };
    let state = LinkState::from_status(effective(&model, now)?);
    let usable = state.is_usable();
    Ok(InvitationLanding {
        state,
        email: usable.then(|| model.email.clone()),
        self_sign_up: is_sign_up(&model),
        suggested_name: model.sign_up_full_name.clone().filter(|_| usable),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    pub outcome: CompletionOutcome,
    pub account_id: i32,
    /// The address the account was registered with (the invitation's).
    pub email: String,
}

/// Checks the form against the portal's password policy: every problem is reported, not
/// only the first.
pub(crate) fn check_form(
    full_name: &str,
    candidate: &str,
    confirmation: &str,
    policy: PasswordPolicy,
) -> Result<(FullName, Password), InvitationError> {
    let name = FullName::parse(full_name);
    let password = NewPassword::parse(candidate, confirmation, policy);
    match (name, password) {
        (Ok(name), Ok(password)) => Ok((name, password.into_password())),
        (name, password) => {
            let mut problems = Vec::new();
            if let Err(e) = name {
                problems.push(super::invite::sentence(&e.to_string()));
            }
            if let Err(e) = password {
                problems.extend(e.sentences("password"));
            }
            Err(InvitationError::InvalidInput(problems.join(" ")))
        }
    }
}

/// Creates (or, for a developer invited again after a denial, updates) the account and uses
/// the invitation up. Exactly one of any number of concurrent calls with one token succeeds.
pub async fn complete(
    db: &DatabaseConnection,
    token: &str,
    full_name: &str,
    candidate: &str,
    confirmation: &str,
    now: DateTime<Utc>,
) -> Result<Completed, InvitationError> {
    let policy = settings::load(db).await?.password_policy;
    let (name, password) = check_form(full_name, candidate, confirmation, policy)?;
    // Check the link before the (slow) hashing, and hash outside the write transaction.
    let model = usable_link(db, token, now).await?;
    let password_hash = password::hash(password.expose().to_owned())
        .await
        .map_err(InvitationError::Internal)?;
    finish(db, &model, name.as_str(), password_hash, now).await
}

/// Whether an invitation row is a self sign-up (made by the developer at `/signup`, or an
/// admin's resend of one) rather than an admin's invitation.
pub(crate) fn is_sign_up(model: &invitation::Model) -> bool {
    model.origin == crate::model::invitation::Origin::SelfRegistration.as_str()
}

/// The invitation behind a link that can still be used, or why it cannot.
async fn usable_link(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<invitation::Model, InvitationError> {
    let Some(model) = find_by_token(db, token).await? else {
        return Err(InvitationError::Link(LinkState::Unknown));
    };
    let status = effective(&model, now)?;
    decide(status, InvitationAction::Complete, model.pre_approved)
        .map_err(|_| InvitationError::Link(LinkState::from_status(status)))?;
    Ok(model)
}

/// Uses the invitation up and creates (or updates) its account, in one transaction.
async fn finish(
    db: &DatabaseConnection,
    model: &invitation::Model,
    full_name: &str,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Completed, InvitationError> {
    let link_refused = |state: LinkState| InvitationError::Link(state);
    let txn = begin_write(db).await?;
    let transition = decide(
        InvitationStatus::Pending,
        InvitationAction::Complete,
        model.pre_approved,
    )
    .map_err(InvitationError::Refused)?;
    let active = matches!(transition.account, AccountChange::Register { active: true });
    let to = if active {
        StoredStatus::Approved
    } else {
        StoredStatus::Waiting
    };
    // Waiting stays "live": no second invitation to this address while it awaits review.
    let live = (!active).then(|| model.email_normalized.clone());
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value(to.as_str()))
        .col_expr(invitation::Column::LiveEmail, Expr::value(live))
        .col_expr(invitation::Column::CompletedAt, Expr::value(now))
        // The name suggested at sign-up has served its purpose: the account holds one now.
        .col_expr(
            invitation::Column::SignUpFullName,
            Expr::value(None::<String>),
        )
        .filter(invitation::Column::Id.eq(model.id))
        .filter(condition_filter(
            stored_condition_for_action(InvitationAction::Complete),
            now,
        ))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        // Someone used, replaced or deleted the link a moment ago: say what it is now.
        drop(txn);
        let current = invitation::Entity::find_by_id(model.id).one(db).await?;
        let state = match current {
            Some(current) => LinkState::from_status(effective(&current, now)?),
            None => LinkState::Unknown,
        };
        return Err(link_refused(state));
    }

    let existing = account::Entity::find()
        .filter(account::Column::EmailNormalized.eq(model.email_normalized.clone()))
        .one(&txn)
        .await?;
    let account_id = match existing {
        Some(existing) if existing.active => return Err(link_refused(LinkState::AlreadyUsed)),
        Some(existing) => {
            // Only a denied registration is taken over by a new one; never a deactivated
            // account (that is the admins' to reactivate).
            super::require_denied(&txn, &existing).await?;
            let mut update: account::ActiveModel = existing.into();
            update.full_name = Set(full_name.to_owned());
            update.password_hash = Set(password_hash);
            update.active = Set(active);
            update.update(&txn).await?.id
        }
        None => {
            account::ActiveModel {
                email: Set(model.email.clone()),
                email_normalized: Set(model.email_normalized.clone()),
                full_name: Set(full_name.to_owned()),
                password_hash: Set(password_hash),
                role: Set(Role::Developer.as_str().to_owned()),
                active: Set(active),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AccountId, Expr::value(account_id))
        .filter(invitation::Column::Id.eq(model.id))
        .exec(&txn)
        .await?;
    if !active {
        notify_admins(&txn, &model.email, full_name, now).await?;
    }
    audit::record(
        &txn,
        audit::Actor::of(account_id, &model.email),
        AuditAction::Completed,
        Some(&model.email),
        true,
        Some(if active {
            "approved"
        } else {
            "waiting for review"
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    let outcome = if active {
        CompletionOutcome::Approved
    } else {
        CompletionOutcome::Waiting
    };
    Ok(Completed {
        outcome,
        account_id,
        email: model.email.clone(),
    })
}

/// Queues a "registration waiting for review" email to every active admin.
async fn notify_admins(
    txn: &impl ConnectionTrait,
    developer_email: &str,
    developer_name: &str,
    now: DateTime<Utc>,
) -> Result<(), InvitationError> {
    let admins = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin.as_str()))
        .filter(account::Column::Active.eq(true))
        .all(txn)
        .await?;
    let message = outbox::Message::AdminReviewNeeded {
        developer_email: developer_email.to_owned(),
        developer_name: developer_name.to_owned(),
    };
    for admin in admins {
        outbox::enqueue(txn, &admin.email, None, &message, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::well_formed;
    use crate::fuzz_support::{junk, mutate, mutation, Mutation};
    use crate::ssr::{
        auth::session::{cookie_name, token_from_cookies},
        random::{secret_token, token_hash},
        rate_limit::{Limit, RateLimits},
        ServerSettings,
    };
    use proptest::prelude::*;
    use std::time::Duration;

    fn settings(secure: bool) -> ServerSettings {
        let limit = Limit {
            max: 1,
            window: Duration::from_secs(1),
        };
        ServerSettings {
            public_url: if secure {
                "https://p.example"
            } else {
                "http://p.example"
            }
            .into(),
            session_idle_timeout: Duration::from_secs(60),
            session_absolute_timeout: Duration::from_secs(600),
            rate_limits: RateLimits {
                login_failures_per_account: limit,
                login_failures_per_ip: limit,
                bad_links_per_ip: limit,
                sign_ups_per_ip: limit,
                invites_per_admin: limit,
                mails_per_recipient: limit,
                trusted_proxies: vec![],
            },
            portal_name: "Portico".into(),
        }
    }

    fn is_token(value: &str) -> bool {
        value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit())
    }

    /// Token-shaped strings: real ones, in other cases, one character off, quoted, padded.
    fn token_like() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[0-9a-f]{64}",
            1 => "[0-9a-fA-F]{64}",
            1 => "[0-9a-f]{63}|[0-9a-f]{65}|[0-9a-f]{128}",
            1 => "[0-9a-f]{60}[0-9a-gG\\-_=.%+/ é０]{4}",
            1 => "\"[0-9a-f]{64}\"|%20[0-9a-f]{64}|[0-9a-f]{64}%00",
            1 => junk(70),
            1 => Just(String::new()),
        ]
    }

    /// Cookie names that are, or nearly are, the session cookie's.
    fn cookie_name_like() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => proptest::sample::select(vec![
                    "portico_session", "__Host-portico_session", " portico_session",
                    "portico_session ", "PORTICO_SESSION", "portico_session2", "xportico_session",
                    "__host-portico_session", "__Host-portico_session\u{0}", "", "theme",
                ])
            .prop_map(String::from),
            1 => "[a-z_-]{1,10}",
        ]
    }

    /// A `Cookie` header as pairs, with `;` separators, then maybe mutated (the only case in
    /// which the expected answer is not worked out from the pairs).
    fn cookie_header() -> impl Strategy<Value = (Vec<(String, String)>, Vec<&'static str>, Mutation)>
    {
        let separators = proptest::sample::select(vec!["; ", ";", " ; ", ";;", ";\t"]);
        (
            prop::collection::vec((cookie_name_like(), token_like()), 0..6),
            prop::collection::vec(separators, 6),
            mutation(),
        )
    }

    /// Property test: the two places a secret token comes in from outside (the session
    /// cookie and the invitation link) never panic, accept only 64 hex characters, read exactly
    /// the cookie with Portico's name, and look links up case-insensitively.
    #[test]
    fn fuzz_tokens() {
        crate::fuzz_support::run(
            "tokens",
            file!(),
            (cookie_header(), any::<bool>(), token_like(), mutation()),
            |((pairs, separators, m), secure, link, link_mutation)| {
                let settings = settings(secure);
                let name = cookie_name(&settings);
                let joined: String = pairs
                    .iter()
                    .zip(&separators)
                    .map(|((key, value), sep)| format!("{key}={value}{sep}"))
                    .collect();
                let header = mutate(&joined, &m);
                let found = token_from_cookies(&settings, &header);
                if let Some(token) = &found {
                    prop_assert!(is_token(token), "{token:?}");
                    prop_assert!(well_formed(token));
                    let pair = format!("{name}={token}");
                    prop_assert!(header.contains(&pair), "{pair:?} not in {header:?}");
                }
                let clean = matches!(m, Mutation::None)
                    && pairs
                        .iter()
                        .all(|(key, value)| !format!("{key}{value}").contains([';', '=']));
                if clean {
                    // The first cookie whose name is exactly Portico's, if its value is a token.
                    let expected = pairs
                        .iter()
                        .find(|(key, _)| key.trim_start() == name)
                        .map(|(_, value)| value.trim_end().to_owned())
                        .filter(|value| is_token(value));
                    prop_assert_eq!(found, expected, "header {:?}", header);
                }

                let link = mutate(&link, &link_mutation);
                prop_assert_eq!(well_formed(&link), is_token(&link));
                let hash = token_hash(&link);
                prop_assert!(
                    hash.len() == 64
                        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                );
                if well_formed(&link) {
                    // Looked up lower-cased: an ASCII token keeps its length and meaning.
                    prop_assert!(link.is_ascii());
                    prop_assert_eq!(link.to_ascii_lowercase().len(), 64);
                }
                // Every token Portico issues is one it accepts back.
                let issued = secret_token();
                prop_assert!(well_formed(&issued));
                prop_assert_eq!(
                    token_from_cookies(&settings, &format!("theme=dark; {name}={issued}")),
                    Some(issued)
                );
                Ok(())
            },
        );
    }
}
