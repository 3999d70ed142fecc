//! argon2id hashing (OWASP parameters m=19456 KiB, t=2, p=1), run off the async executor.

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use rand::rngs::OsRng;
use std::sync::OnceLock;
use tokio::sync::Semaphore;

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

/// Runs one hash on the blocking pool once one of the per-core turns is free.
///
/// Unbounded, 20 concurrent logins became 20 blocking threads each keeping its 19 MiB block in
/// its own allocator arena (2.2 GiB), and their CPU starved every other request. One turn per
/// core keeps the cores busy with hashes (login throughput) while the memory stays bounded and
/// waiting logins queue without a thread. The turn goes into the closure, so a login whose
/// request is dropped still holds it until its hash really ends.
async fn on_hashing_turn<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    static TURNS: OnceLock<Semaphore> = OnceLock::new();
    let turns = TURNS.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    });
    // A permit of a static semaphore is itself 'static, so it can move into the closure.
    let turn = turns.acquire().await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || {
        let result = work();
        drop(turn);
        result
    })
    .await
    .map_err(|e| e.to_string())
}

/// Hashes `password` off the executor (one hash costs tens of milliseconds of CPU).
pub async fn hash(password: String) -> Result<String, String> {
    on_hashing_turn(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await?
}

/// Checks `password` against a stored PHC hash off the executor. With no stored hash (an
/// unknown account) it verifies against a dummy hash so the answer takes as long either way.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let known = stored.is_some();
    on_hashing_turn(move || {
        // The dummy hash is made on first use, here rather than on an executor thread.
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_at_once_than_there_are_cores_and_all_finish() {
        use std::sync::{
            atomic::{AtomicUsize, Ordering},
            Arc,
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..cores * 4)
            .map(|i| {
                let (running, most) = (Arc::clone(&running), Arc::clone(&most));
                tokio::spawn(on_hashing_turn(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    i
                }))
            })
            .collect();
        let mut finished = 0;
        for job in jobs {
            job.await.unwrap().unwrap();
            finished += 1;
        }
        assert_eq!(finished, cores * 4);
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=cores).contains(&most),
            "{most} hashes ran at once on {cores} cores"
        );
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
