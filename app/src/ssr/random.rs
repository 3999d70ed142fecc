//! Random values from the operating system's generator.

use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A secret of 256 random bits, hex-encoded (64 characters): session ids and invitation tokens.
pub fn secret_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// How a secret token is stored: its SHA-256, hex-encoded. A leaked table holds no usable token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A short id that ties an error shown to a user to the server log line that explains it.
pub fn correlation_id() -> String {
    let mut bytes = [0u8; 6];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_differ() {
        let (a, b) = (secret_token(), secret_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
