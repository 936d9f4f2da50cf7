//! Raw Hub tokens held for a case until its `flag_tokens` step revokes them (a secret scanner
//! found them, say). They are sealed before they reach the database ([`TokenSealer`]), the seal
//! is erased once they are revoked, and the audit trail names them by fingerprint only.

use crate::rows::ms;
use crate::{Actor, SqlStore, StoreError, audit, cases};
use async_trait::async_trait;
use leaver_core::{CaseId, DomainError, HubTokenValue, StepKind, StepState};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::fmt;
use time::OffsetDateTime;
use uuid::Uuid;

/// Encrypts held tokens with ChaCha20-Poly1305 under a key derived from Leaver's secret key,
/// each bound to its fingerprint (a seal moved to another row does not open).
pub struct TokenSealer {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl TokenSealer {
    /// A sealer whose key is derived from `secret` (`LEAVER_SECRET_KEY`), distinct from the
    /// keys of approval links made from the same secret.
    pub fn new(secret: &[u8]) -> TokenSealer {
        let mut hasher = Sha256::new();
        hasher.update(b"leaver held-token seal v1\0");
        hasher.update(secret);
        let key = UnboundKey::new(&CHACHA20_POLY1305, &hasher.finalize())
            .expect("a SHA-256 digest is a ChaCha20-Poly1305 key");
        TokenSealer {
            key: LessSafeKey::new(key),
            rng: SystemRandom::new(),
        }
    }

    /// `hex(nonce || ciphertext || tag)`.
    fn seal(&self, token: &HubTokenValue) -> Result<String, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng
            .fill(&mut nonce)
            .map_err(|_| StoreError::Corrupt("no randomness for a nonce".into()))?;
        let mut sealed = token.expose().as_bytes().to_vec();
        let fingerprint = token.fingerprint();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(fingerprint.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| StoreError::Corrupt("sealing a token failed".into()))?;
        Ok(hex::encode([nonce.as_slice(), &sealed].concat()))
    }

    fn open(&self, fingerprint: &str, sealed: &str) -> Result<HubTokenValue, StoreError> {
        let unreadable = || {
            StoreError::Corrupt(format!(
                "the held token {fingerprint} does not open: another LEAVER_SECRET_KEY?"
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
            .open_in_place(nonce, Aad::from(fingerprint.as_bytes()), &mut rest)
            .map_err(|_| unreadable())?;
        let text = std::str::from_utf8(plain).map_err(|_| unreadable())?;
        HubTokenValue::parse(text).map_err(|_| unreadable())
    }
}

impl fmt::Debug for TokenSealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSealer(..)")
    }
}

/// A held token, opened for revocation.
#[derive(Clone, Debug)]
pub struct HeldToken {
    pub id: String,
    pub value: HubTokenValue,
}

/// What handing tokens over came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    /// Tokens not held before.
    pub added: usize,
    /// The fingerprints of every token handed over.
    pub fingerprints: Vec<String>,
}

/// Held tokens.
#[async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// Seals `tokens` and keeps them for `case` until its `flag_tokens` step revokes them; a
    /// token held already is not added twice. Refused once the case is closed or its
    /// `flag_tokens` step is approved (it may be running, and would not revoke them).
    async fn hold_tokens(
        &self,
        case: CaseId,
        tokens: &[HubTokenValue],
        sealer: &TokenSealer,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Held, StoreError>;

    /// The tokens held for `case` and not revoked yet, opened.
    async fn held_tokens(
        &self,
        case: CaseId,
        sealer: &TokenSealer,
    ) -> Result<Vec<HeldToken>, StoreError>;

    /// Records that `tokens` were revoked: their seals are erased and the audit trail says so.
    async fn tokens_revoked(
        &self,
        case: CaseId,
        tokens: &[HeldToken],
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
}

#[async_trait]
impl TokenStore for SqlStore {
    async fn hold_tokens(
        &self,
        case: CaseId,
        tokens: &[HubTokenValue],
        sealer: &TokenSealer,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Held, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        let current = cases::load(&mut tx, case).await?;
        let refused = |state| {
            StoreError::Domain(DomainError::IllegalCaseTransition {
                state,
                event: "hold tokens to revoke",
            })
        };
        if current.state.is_closed() {
            return Err(refused(current.state));
        }
        // Once the step is approved it may be running: a token that arrived now could miss the
        // run that revokes the others, and be held for ever. So tokens are taken only before.
        if let Some(step) = current.steps.iter().find(|s| {
            s.kind == StepKind::FlagTokens
                && !matches!(s.state, StepState::Planned | StepState::AwaitingApproval)
        }) {
            return Err(StoreError::Domain(DomainError::IllegalStepTransition {
                step: step.id,
                state: step.state,
                event: "hold tokens to revoke",
            }));
        }
        let mut added = 0;
        let mut fingerprints = Vec::with_capacity(tokens.len());
        for token in tokens {
            let fingerprint = token.fingerprint();
            let inserted = sqlx::query(
                "INSERT INTO held_token (token_id, case_id, fingerprint, sealed, added_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id, fingerprint) DO NOTHING",
            )
            .bind(Uuid::now_v7().to_string())
            .bind(case.to_string())
            .bind(fingerprint.clone())
            .bind(sealer.seal(token)?)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
            added += usize::try_from(inserted.rows_affected()).unwrap_or(0);
            fingerprints.push(fingerprint);
        }
        let data = json!({ "fingerprints": fingerprints, "added": added });
        audit::append(
            &mut tx,
            Some(case),
            actor.as_str(),
            "tokens_held",
            data,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Held {
            added,
            fingerprints,
        })
    }

    async fn held_tokens(
        &self,
        case: CaseId,
        sealer: &TokenSealer,
    ) -> Result<Vec<HeldToken>, StoreError> {
        let rows = sqlx::query(
            "SELECT token_id, fingerprint, sealed FROM held_token
             WHERE case_id = $1 AND revoked_at IS NULL ORDER BY token_id",
        )
        .bind(case.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let fingerprint: String = row.try_get("fingerprint")?;
                let sealed: String = row.try_get("sealed")?;
                Ok(HeldToken {
                    id: row.try_get("token_id")?,
                    value: sealer.open(&fingerprint, &sealed)?,
                })
            })
            .collect()
    }

    async fn tokens_revoked(
        &self,
        case: CaseId,
        tokens: &[HeldToken],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        if tokens.is_empty() {
            return Ok(());
        }
        let mut tx = audit::begin_write(self.writer()).await?;
        for token in tokens {
            sqlx::query(
                "UPDATE held_token SET sealed = '', revoked_at = $1
                 WHERE token_id = $2 AND case_id = $3",
            )
            .bind(ms(now))
            .bind(token.id.clone())
            .bind(case.to_string())
            .execute(&mut *tx)
            .await?;
        }
        let fingerprints: Vec<String> = tokens.iter().map(|t| t.value.fingerprint()).collect();
        let data = json!({ "fingerprints": fingerprints });
        audit::append(&mut tx, Some(case), "engine", "tokens_revoked", data, now).await?;
        tx.commit().await?;
        Ok(())
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
}
