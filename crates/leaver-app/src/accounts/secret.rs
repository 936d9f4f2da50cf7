//! Random secrets and their stored form: the database only ever sees a SHA-256 digest.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits as hex, after `prefix` (which says what the secret is for in a log scan).
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// The hex SHA-256 of `secret`: what is stored and looked up instead of the secret. Tokens are
/// 256 random bits, so a plain (unsalted, fast) hash is enough.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let (a, b) = (random_token("lvr_"), random_token("lvr_"));
        assert_ne!(a, b);
        assert!(a.starts_with("lvr_") && a.len() == 4 + 64);
        assert!(same_secret(&a, &a.clone()) && !same_secret(&a, &b));
    }
}
