//! argon2id hashing (OWASP parameters m=19456 KiB, t=2, p=1), run off the async executor.

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use rand::rngs::OsRng;
use std::sync::OnceLock;

/// The parameters new hashes get (OWASP's argon2id minimum).
const MEMORY_KIB: u32 = 19_456;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params =
        Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether a stored hash was made with other (older, weaker) settings than new hashes get, so
/// that the password should be hashed again the next time it is known (at login).
pub fn needs_rehash(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    let param = |name: &str| parsed.params.get_decimal(name);
    parsed.algorithm.as_str() != "argon2id"
        || parsed.version != Some(0x13)
        || param("m") != Some(MEMORY_KIB)
        || param("t") != Some(ITERATIONS)
        || param("p") != Some(PARALLELISM)
}

/// Hashes `password` on the blocking pool (one hash costs tens of milliseconds of CPU).
pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Checks `password` against a stored PHC hash on the blocking pool. With no stored hash (an
/// unknown account) it verifies against a dummy hash so the answer takes as long either way.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
    tokio::task::spawn_blocking(move || {
        let matches = PasswordHash::new(&stored)
            .map(|parsed| {
                hasher()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && matches
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(b"portico-dummy-password", &salt)
            .expect("hashing a constant works")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("Abcdef12#x".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("Abcdef12#x".into(), Some(stored.clone())).await);
        assert!(!verify("Abcdef12#y".into(), Some(stored)).await);
        assert!(!verify("portico-dummy-password".into(), None).await);
    }

    #[tokio::test]
    async fn only_hashes_made_with_other_settings_need_rehashing() {
        let current = hash("Abcdef12#x".into()).await.unwrap();
        assert!(!needs_rehash(&current));
        let weaker = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4_096, 1, 1, None).unwrap(),
        )
        .hash_password(b"Abcdef12#x", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(needs_rehash(&weaker));
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap(),
        )
        .hash_password(b"Abcdef12#x", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(needs_rehash(&argon2i));
        assert!(needs_rehash("not a hash"));
    }
}
