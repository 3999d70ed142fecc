//! The first admin: created on first start (empty database) from the configuration, or with a
//! generated password printed once.

use app::{
    domain::{Email, FullName, Password, Role},
    ssr::services::{accounts, settings},
};
use rand::{rngs::OsRng, seq::SliceRandom, Rng};
use sea_orm::DatabaseConnection;

use crate::{Config, StartupError};

pub async fn ensure_first_admin(
    db: &DatabaseConnection,
    config: &Config,
) -> Result<(), StartupError> {
    let existing = accounts::count(db)
        .await
        .map_err(|e| StartupError::Database(e.to_string()))?;
    if existing > 0 {
        return Ok(());
    }
    let (password, generated) = match &config.admin_password {
        Some(given) => (given.clone(), false),
        None => (generate_password(), true),
    };
    let admin = create_admin(db, &config.admin_email, "Administrator", &password).await?;
    if generated {
        // The password is in the log now: the admin chooses their own at the first login.
        accounts::require_password_change(db, admin.id)
            .await
            .map_err(|e| StartupError::Database(e.to_string()))?;
        println!(
            "\n  Portico created the first admin account.\n    email:    {}\n    password: {}\n  This password is shown only once: keep it now. You choose your own at the first login.\n",
            config.admin_email, password
        );
    }
    tracing::info!(email = %config.admin_email, "first admin account created");
    Ok(())
}

/// Creates an admin, checking email, name and password like every other account.
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    password: &str,
) -> Result<app::ssr::entities::account::Model, StartupError> {
    let email = Email::parse(email)
        .map_err(|e| StartupError::Admin(format!("PORTICO_ADMIN_EMAIL {email:?}: {e}")))?;
    let name = FullName::parse(name).map_err(|e| StartupError::Admin(e.to_string()))?;
    let policy = settings::load(db)
        .await
        .map_err(|e| StartupError::Admin(e.to_string()))?
        .password_policy;
    let password = Password::parse(password, policy)
        .map_err(|e| StartupError::Admin(format!("PORTICO_ADMIN_PASSWORD: {e}")))?;
    accounts::create(db, &email, &name, &password, Role::Admin, true)
        .await
        .map_err(|e| StartupError::Admin(e.to_string()))
}

/// A 16-character password meeting the policy: every character class present, the rest random.
pub fn generate_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    const SPECIAL: &[u8] = b"!#%+-=?@^_";
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, SPECIAL].concat();
    let mut rng = OsRng;
    let mut chars: Vec<u8> = [LOWER, UPPER, DIGITS, SPECIAL]
        .iter()
        .map(|set| set[rng.gen_range(0..set.len())])
        .collect();
    while chars.len() < 16 {
        chars.push(all[rng.gen_range(0..all.len())]);
    }
    chars.shuffle(&mut rng);
    String::from_utf8(chars).expect("ASCII")
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_passwords_meet_the_policy_and_differ() {
        let a = super::generate_password();
        for policy in app::domain::PasswordPolicy::ALL {
            assert!(app::domain::Password::parse(&a, policy).is_ok(), "{a}");
        }
        assert_ne!(a, super::generate_password());
    }
}
