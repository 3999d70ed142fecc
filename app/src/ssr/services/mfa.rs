//! Two-step sign-in (TOTP) for an account: setting it up, checking codes (each accepted once:
//! an app code by its time step, a recovery code by its row), replacing recovery codes and
//! turning it off. Every change is audited and emailed to the account's owner, the entry and
//! the email in the same transaction as the change. (Replacing the codes and turning it off
//! check the code first, in its own statement: a code is used up even if the change then
//! fails, and typing a new one is the way to try again.)

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use crate::{
    domain::{
        mfa::{display_recovery_code, may_enroll, LoginCode, RECOVERY_CODES},
        Role,
    },
    model::{
        audit::AuditAction,
        mfa::{Enrollment, MfaStatus},
    },
    ssr::{
        auth::{password, totp},
        db::begin_write,
        entities::{account, recovery_code},
        random::token_hash,
        services::{
            audit,
            outbox::{self, Message, SecurityEvent},
            settings,
        },
    },
};

#[derive(Debug, thiserror::Error)]
pub enum MfaError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("the code is wrong")]
    WrongCode,
    #[error("the code was used already")]
    CodeUsed,
    #[error("the password is wrong")]
    WrongPassword,
    #[error("two-step sign-in is not set up")]
    NotEnrolled,
    #[error("two-step sign-in is set up already")]
    AlreadyEnrolled,
    #[error("no authenticator is being set up")]
    NoEnrollment,
    #[error("only administrators set up two-step sign-in")]
    NotAvailable,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// How a code was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    App,
    /// A recovery code; how many are left.
    RecoveryCode {
        left: u64,
    },
}

fn unix_seconds(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

async fn account_of(
    db: &impl ConnectionTrait,
    account_id: i32,
) -> Result<account::Model, MfaError> {
    account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or(MfaError::NotEnrolled)
}

async fn codes_left(db: &impl ConnectionTrait, account_id: i32) -> Result<u64, DbErr> {
    recovery_code::Entity::find()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await
}

/// The profile's view of the account's two-step sign-in.
pub async fn status(db: &DatabaseConnection, account_id: i32) -> Result<MfaStatus, MfaError> {
    let account = account_of(db, account_id).await?;
    let role = Role::parse(&account.role).unwrap_or(Role::Developer);
    let enabled = account.mfa_secret.is_some();
    Ok(MfaStatus {
        available: may_enroll(role) || enabled,
        enabled_at: account.mfa_enabled_at.filter(|_| enabled),
        recovery_codes_left: if enabled {
            codes_left(db, account_id).await?
        } else {
            0
        },
        required: settings::load(db).await?.require_admin_mfa,
    })
}

/// What the page shows to set up the authenticator of `secret`.
pub fn enrollment(secret: &str, email: &str, portal_name: &str) -> Enrollment {
    let uri = totp::provisioning_uri(secret, email, portal_name);
    Enrollment {
        qr_svg: totp::qr_svg(&uri).unwrap_or_default(),
        secret: secret.to_owned(),
        uri,
    }
}

/// A new authenticator to set up from the profile, after the account's password (a stolen
/// session alone cannot set one up): kept as pending until its first code confirms it.
/// Starting again replaces a pending one; an account that has one set up must turn it off
/// first.
pub async fn begin_enrollment(
    db: &DatabaseConnection,
    account_id: i32,
    current_password: &str,
    portal_name: &str,
) -> Result<Enrollment, MfaError> {
    let account = account_of(db, account_id).await?;
    if account.mfa_secret.is_some() {
        return Err(MfaError::AlreadyEnrolled);
    }
    if !may_enroll(Role::parse(&account.role).unwrap_or(Role::Developer)) {
        return Err(MfaError::NotAvailable);
    }
    if !password::verify(
        current_password.to_owned(),
        Some(account.password_hash.clone()),
    )
    .await
    {
        return Err(MfaError::WrongPassword);
    }
    let secret = totp::new_secret();
    account::Entity::update_many()
        .col_expr(
            account::Column::MfaPendingSecret,
            Expr::value(secret.clone()),
        )
        .filter(account::Column::Id.eq(account_id))
        .filter(account::Column::MfaSecret.is_null())
        .exec(db)
        .await?;
    Ok(enrollment(&secret, &account.email, portal_name))
}

/// Confirms the authenticator begun on the profile with its first code: two-step sign-in is
/// on from now, and the account gets its recovery codes (returned once, stored hashed).
pub async fn confirm_enrollment(
    db: &DatabaseConnection,
    account_id: i32,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, MfaError> {
    let account = account_of(db, account_id).await?;
    let secret = account
        .mfa_pending_secret
        .clone()
        .ok_or(MfaError::NoEnrollment)?;
    enable(db, account, &secret, typed, now).await
}

/// Confirms the authenticator a login step showed (its own key, see
/// `entities::login_challenge::pending_secret`) with its first code.
pub async fn confirm_login_enrollment(
    db: &DatabaseConnection,
    account_id: i32,
    secret: &str,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, MfaError> {
    let account = account_of(db, account_id).await?;
    enable(db, account, secret, typed, now).await
}

async fn enable(
    db: &DatabaseConnection,
    account: account::Model,
    secret: &str,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, MfaError> {
    let code = LoginCode::parse_totp(typed).map_err(|e| MfaError::InvalidInput(e.into()))?;
    if account.mfa_secret.is_some() {
        return Err(MfaError::AlreadyEnrolled);
    }
    if !may_enroll(Role::parse(&account.role).unwrap_or(Role::Developer)) {
        return Err(MfaError::NotAvailable);
    }
    let step = totp::matching_step(secret, &code, unix_seconds(now)).ok_or(MfaError::WrongCode)?;
    let account_id = account.id;
    let txn = begin_write(db).await?;
    // Conditional on having none: two confirmations at once enable one authenticator.
    let enabled = account::Entity::update_many()
        .col_expr(account::Column::MfaSecret, Expr::value(secret.to_owned()))
        .col_expr(
            account::Column::MfaPendingSecret,
            Expr::value(None::<String>),
        )
        .col_expr(account::Column::MfaEnabledAt, Expr::value(now))
        .col_expr(account::Column::MfaLastStep, Expr::value(step as i64))
        .filter(account::Column::Id.eq(account_id))
        .filter(account::Column::MfaSecret.is_null())
        .exec(&txn)
        .await?;
    if enabled.rows_affected == 0 {
        return Err(MfaError::AlreadyEnrolled);
    }
    let codes = replace_recovery_codes(&txn, account_id, now).await?;
    let actor = audit::Actor::of(account_id, &account.email);
    audit::record(
        &txn,
        actor,
        AuditAction::MfaEnrolled,
        Some(&account.email),
        true,
        Some(&format!("{RECOVERY_CODES} recovery codes issued")),
        now,
    )
    .await?;
    notify(&txn, &account.email, SecurityEvent::MfaEnrolled, now).await?;
    txn.commit().await?;
    Ok(codes)
}

/// Checks a code typed by the account (at login, or to confirm a change on the profile). An
/// app code is accepted once: its time step must be later than the last one accepted. A
/// recovery code is used up; its use is audited and emailed.
pub async fn verify(
    db: &DatabaseConnection,
    account_id: i32,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Accepted, MfaError> {
    let code = LoginCode::parse(typed).map_err(|e| MfaError::InvalidInput(e.into()))?;
    let account = account_of(db, account_id).await?;
    let secret = account.mfa_secret.clone().ok_or(MfaError::NotEnrolled)?;
    match code {
        LoginCode::Totp(code) => {
            let step = totp::matching_step(&secret, &code, unix_seconds(now))
                .ok_or(MfaError::WrongCode)?;
            let step = step as i64;
            // One statement decides: of two logins with the same code, one wins.
            let taken = account::Entity::update_many()
                .col_expr(account::Column::MfaLastStep, Expr::value(step))
                .filter(account::Column::Id.eq(account_id))
                .filter(
                    Condition::any()
                        .add(account::Column::MfaLastStep.is_null())
                        .add(account::Column::MfaLastStep.lt(step)),
                )
                .exec(db)
                .await?;
            if taken.rows_affected == 0 {
                return Err(MfaError::CodeUsed);
            }
            Ok(Accepted::App)
        }
        LoginCode::Recovery(code) => {
            let txn = begin_write(db).await?;
            let used = recovery_code::Entity::update_many()
                .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
                .filter(recovery_code::Column::AccountId.eq(account_id))
                .filter(recovery_code::Column::CodeHash.eq(token_hash(&code)))
                .filter(recovery_code::Column::UsedAt.is_null())
                .exec(&txn)
                .await?;
            if used.rows_affected == 0 {
                return Err(MfaError::WrongCode);
            }
            let left = codes_left(&txn, account_id).await?;
            audit::record(
                &txn,
                audit::Actor::of(account_id, &account.email),
                AuditAction::RecoveryCodeUsed,
                Some(&account.email),
                true,
                Some(&format!("{left} recovery code(s) left")),
                now,
            )
            .await?;
            notify(&txn, &account.email, SecurityEvent::RecoveryCodeUsed, now).await?;
            txn.commit().await?;
            Ok(Accepted::RecoveryCode { left })
        }
    }
}

/// New recovery codes in place of the old ones (all of them stop working), after a code.
pub async fn regenerate_recovery_codes(
    db: &DatabaseConnection,
    account_id: i32,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, MfaError> {
    verify(db, account_id, typed, now).await?;
    let account = account_of(db, account_id).await?;
    let txn = begin_write(db).await?;
    let codes = replace_recovery_codes(&txn, account_id, now).await?;
    audit::record(
        &txn,
        audit::Actor::of(account_id, &account.email),
        AuditAction::RecoveryCodesRegenerated,
        Some(&account.email),
        true,
        Some(&format!(
            "{RECOVERY_CODES} new recovery codes; the old ones no longer work"
        )),
        now,
    )
    .await?;
    notify(
        &txn,
        &account.email,
        SecurityEvent::RecoveryCodesReplaced,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

/// Turns two-step sign-in off, with the account's password and a code (an app code or a
/// recovery code): a stolen session alone cannot.
pub async fn disable(
    db: &DatabaseConnection,
    account_id: i32,
    current_password: &str,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<(), MfaError> {
    let account = account_of(db, account_id).await?;
    if account.mfa_secret.is_none() {
        return Err(MfaError::NotEnrolled);
    }
    // The code is parsed first so a malformed one costs no password check.
    LoginCode::parse(typed).map_err(|e| MfaError::InvalidInput(e.into()))?;
    if !password::verify(
        current_password.to_owned(),
        Some(account.password_hash.clone()),
    )
    .await
    {
        return Err(MfaError::WrongPassword);
    }
    verify(db, account_id, typed, now).await?;
    let txn = begin_write(db).await?;
    let turned_off = account::Entity::update_many()
        .col_expr(account::Column::MfaSecret, Expr::value(None::<String>))
        .col_expr(
            account::Column::MfaPendingSecret,
            Expr::value(None::<String>),
        )
        .col_expr(
            account::Column::MfaEnabledAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(account::Column::Id.eq(account_id))
        .filter(account::Column::MfaSecret.is_not_null())
        .exec(&txn)
        .await?;
    if turned_off.rows_affected == 0 {
        return Err(MfaError::NotEnrolled);
    }
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        audit::Actor::of(account_id, &account.email),
        AuditAction::MfaDisabled,
        Some(&account.email),
        true,
        None,
        now,
    )
    .await?;
    notify(&txn, &account.email, SecurityEvent::MfaDisabled, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces the account's recovery codes; returns the new ones as shown to their owner.
async fn replace_recovery_codes(
    txn: &impl ConnectionTrait,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .exec(txn)
        .await?;
    let codes = totp::new_recovery_codes(RECOVERY_CODES);
    for code in &codes {
        recovery_code::ActiveModel {
            account_id: Set(account_id),
            code_hash: Set(token_hash(code)),
            created_at: Set(now),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(codes.iter().map(|c| display_recovery_code(c)).collect())
}

/// Tells the owner that a login had the right password and then only wrong codes.
pub async fn notify_wrong_codes(
    db: &DatabaseConnection,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    notify(db, email, SecurityEvent::WrongCodes, now).await
}

async fn notify(
    txn: &impl ConnectionTrait,
    email: &str,
    event: SecurityEvent,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let notice = Message::SecurityNotice { event, at: now };
    outbox::enqueue(txn, email, None, &notice, now).await?;
    Ok(())
}
