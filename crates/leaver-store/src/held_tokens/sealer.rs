//! [`TokenSealer`]: encrypts held tokens (and other secrets Leaver must read back, such as the
//! HMAC secrets of webhook sources) under a key derived from Leaver's secret key, and knows
//! Leaver's own Hub token by a digest only, so that it is never taken to revoke.

use crate::StoreError;
use leaver_core::HubTokenValue;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};
use std::fmt;

/// Encrypts held tokens with ChaCha20-Poly1305 under a key derived from Leaver's secret key,
/// each bound to its fingerprint (a seal moved to another row does not open).
pub struct TokenSealer {
    key: LessSafeKey,
    rng: SystemRandom,
    /// What `digest` gives for the key's secret, kept to tell values apart from Leaver's own.
    secret_digest: [u8; 32],
    /// `digest` of Leaver's own Hub token, if it was named.
    leavers_own: Option<[u8; 32]>,
}

impl TokenSealer {
    /// A sealer whose key is derived from `secret` (`LEAVER_SECRET_KEY`), distinct from the
    /// keys of approval links made from the same secret.
    pub fn new(secret: &[u8]) -> TokenSealer {
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut hasher = Sha256::new();
            hasher.update(label);
            hasher.update(secret);
            hasher.finalize().into()
        };
        let key = UnboundKey::new(&CHACHA20_POLY1305, &derive(b"leaver held-token seal v1\0"))
            .expect("a SHA-256 digest is a ChaCha20-Poly1305 key");
        TokenSealer {
            key: LessSafeKey::new(key),
            rng: SystemRandom::new(),
            secret_digest: derive(b"leaver own-token digest v1\0"),
            leavers_own: None,
        }
    }

    /// Remembers Leaver's own Hub token (`LEAVER_HUB_TOKEN`) by a keyed digest, not the value,
    /// so that [`TokenSealer::is_leavers_own`] can refuse it when it is handed over.
    #[must_use]
    pub fn knowing_leavers_own(mut self, token: &str) -> TokenSealer {
        self.leavers_own = Some(self.digest(token.trim()));
        self
    }

    /// Whether `token` is Leaver's own Hub token. Digests are compared without an early exit;
    /// being keyed, they would tell a timing observer nothing about the token anyway.
    pub fn is_leavers_own(&self, token: &HubTokenValue) -> bool {
        self.leavers_own.is_some_and(|own| {
            let candidate = self.digest(token.expose());
            own.iter()
                .zip(candidate)
                .fold(0u8, |differ, (a, b)| differ | (a ^ b))
                == 0
        })
    }

    fn digest(&self, value: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.secret_digest);
        hasher.update(value.as_bytes());
        hasher.finalize().into()
    }

    /// `hex(nonce || ciphertext || tag)`.
    pub(crate) fn seal(&self, token: &HubTokenValue) -> Result<String, StoreError> {
        self.seal_text(&token.fingerprint(), token.expose())
    }

    pub(crate) fn open(
        &self,
        fingerprint: &str,
        sealed: &str,
    ) -> Result<HubTokenValue, StoreError> {
        let unreadable = || {
            StoreError::Corrupt(format!(
                "the held token {fingerprint} does not open: another LEAVER_SECRET_KEY?"
            ))
        };
        let text = self
            .open_text(fingerprint, sealed)
            .map_err(|_| unreadable())?;
        HubTokenValue::parse(&text).map_err(|_| unreadable())
    }

    /// Any secret sealed as `hex(nonce || ciphertext || tag)`, bound to `context` (what names
    /// it: a fingerprint, `hook_source:<name>`): the seal opens only with the same context.
    pub(crate) fn seal_text(&self, context: &str, text: &str) -> Result<String, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng
            .fill(&mut nonce)
            .map_err(|_| StoreError::Corrupt("no randomness for a nonce".into()))?;
        let mut sealed = text.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| StoreError::Corrupt("sealing a secret failed".into()))?;
        Ok(hex::encode([nonce.as_slice(), &sealed].concat()))
    }

    /// What [`TokenSealer::seal_text`] sealed under `context`.
    pub(crate) fn open_text(&self, context: &str, sealed: &str) -> Result<String, StoreError> {
        let unreadable = || {
            StoreError::Corrupt(format!(
                "the secret of {context} does not open: another LEAVER_SECRET_KEY?"
            ))
        };
        let bytes = hex::decode(sealed).map_err(|_| unreadable())?;
        if bytes.len() < NONCE_LEN {
            return Err(unreadable());
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| unreadable())?;
        let mut rest = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut rest)
            .map_err(|_| unreadable())?;
        String::from_utf8(plain.to_vec()).map_err(|_| unreadable())
    }
}

impl fmt::Debug for TokenSealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSealer(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(raw: &str) -> HubTokenValue {
        HubTokenValue::parse(raw).expect("token")
    }

    #[test]
    fn a_seal_opens_with_its_key_and_fingerprint_only() {
        let sealer = TokenSealer::new(&[7; 32]);
        let bob = token("hf_bob_personal_token");
        let sealed = sealer.seal(&bob).expect("seal");
        assert!(!sealed.contains("bob_personal"));
        assert_ne!(
            sealed,
            sealer.seal(&bob).expect("seal"),
            "a fresh nonce each time"
        );
        let opened = sealer.open(&bob.fingerprint(), &sealed).expect("open");
        assert_eq!(opened, bob);
        let other = token("hf_carol_personal_tok");
        assert!(
            sealer.open(&other.fingerprint(), &sealed).is_err(),
            "moved rows do not open"
        );
        assert!(
            TokenSealer::new(&[8; 32])
                .open(&bob.fingerprint(), &sealed)
                .is_err()
        );
    }

    #[test]
    fn leavers_own_token_is_recognised_and_no_other() {
        let own = "hf_leaver_bot_admin";
        let sealer = TokenSealer::new(&[7; 32]).knowing_leavers_own(&format!(" {own}\n"));
        assert!(sealer.is_leavers_own(&token(own)));
        assert!(!sealer.is_leavers_own(&token("hf_leaver_bot_admiN")));
        assert!(!sealer.is_leavers_own(&token("hf_bob_personal_token")));
        assert!(
            !TokenSealer::new(&[7; 32]).is_leavers_own(&token(own)),
            "a sealer told nothing refuses nothing"
        );
        assert!(!format!("{sealer:?}").contains("leaver_bot"));
    }
}
