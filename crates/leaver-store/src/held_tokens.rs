//! Raw Hub tokens held for a case until its `flag_tokens` step settles them (a secret scanner
//! found them, say). They are sealed before they reach the database ([`TokenSealer`]). The step
//! asks the Hub whose each one is, revokes only the leaver's, and records a [`Verdict`] for
//! every one; the seal is erased then, and the audit trail names them by fingerprint only.
//! Whether tokens may still be handed over is the core's rule (`leaver_core::token_handover`).

mod sealer;

pub use sealer::TokenSealer;

use crate::audit::Entry;
use crate::cases::rows::ms;
use crate::{Actor, SqlStore, StoreError, audit, cases};
use async_trait::async_trait;
use leaver_core::token_handover::{may_hand_over_tokens, within_token_cap};
use leaver_core::{CaseId, HubTokenValue};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;
use std::fmt;
use time::OffsetDateTime;
use uuid::Uuid;

pub use leaver_core::token_handover::MAX_TOKENS_PER_CASE;

/// A token held for a case.
#[derive(Clone, Debug)]
pub struct HeldToken {
    pub id: String,
    /// How the token is named everywhere (see [`HubTokenValue::fingerprint`]).
    pub fingerprint: String,
    pub state: HeldState,
}

/// Where a held token stands.
#[derive(Clone, Debug)]
pub enum HeldState {
    /// Waiting for `flag_tokens`; opened.
    Waiting(HubTokenValue),
    /// Settled by `flag_tokens`; the seal is gone.
    Settled(Verdict),
}

/// What `flag_tokens` made of a held token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It was the leaver's: revoked everywhere.
    Revoked,
    /// The Hub no longer knew it (401): nothing was left to revoke.
    Dead,
    /// It belongs to someone else (`owner`; Leaver's own account included): left alone, for an
    /// operator to deal with.
    NotRevoked { owner: String },
}

impl Verdict {
    /// The stored `outcome`, also the audit record's kind.
    fn outcome(&self) -> &'static str {
        match self {
            Verdict::Revoked => "revoked",
            Verdict::Dead => "dead",
            Verdict::NotRevoked { .. } => "not_revoked",
        }
    }

    fn audit_kind(&self) -> &'static str {
        match self {
            Verdict::Revoked => "tokens_revoked",
            Verdict::Dead => "tokens_already_dead",
            Verdict::NotRevoked { .. } => "tokens_not_revoked",
        }
    }

    fn from_row(outcome: &str, owner: Option<String>) -> Result<Verdict, StoreError> {
        match (outcome, owner) {
            ("revoked", _) => Ok(Verdict::Revoked),
            ("dead", _) => Ok(Verdict::Dead),
            ("not_revoked", Some(owner)) => Ok(Verdict::NotRevoked { owner }),
            (other, _) => Err(StoreError::Corrupt(format!(
                "held_token: unknown outcome {other:?}"
            ))),
        }
    }
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
    /// Seals `tokens` and keeps them for `case` until its `flag_tokens` step settles them; a
    /// token held already is not added twice. Refused once the case is closed or its
    /// `flag_tokens` step is approved (it may be running, and would miss them), and when the
    /// case would hold more than [`MAX_TOKENS_PER_CASE`].
    async fn hold_tokens(
        &self,
        case: CaseId,
        tokens: &[HubTokenValue],
        sealer: &TokenSealer,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Held, StoreError>;

    /// Every token held for `case`, oldest first: the waiting ones opened.
    async fn held_tokens(
        &self,
        case: CaseId,
        sealer: &TokenSealer,
    ) -> Result<Vec<HeldToken>, StoreError>;

    /// The tokens held for `case`, oldest first, by fingerprint and outcome only (no seal is
    /// opened, no key needed): for pages and emails.
    async fn held_fingerprints(&self, case: CaseId) -> Result<Vec<HeldFingerprint>, StoreError>;
}

/// A held token as pages show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldFingerprint {
    pub fingerprint: String,
    /// `revoked`, `dead` or `not_revoked`; `None` while it waits for `flag_tokens`.
    pub outcome: Option<String>,
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
        may_hand_over_tokens(&cases::load(&mut tx, case).await?)?;
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
        // Counted after the inserts, inside the transaction: dropping it undoes them.
        let held: i64 = sqlx::query("SELECT COUNT(*) AS n FROM held_token WHERE case_id = $1")
            .bind(case.to_string())
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        let held = usize::try_from(held).unwrap_or(usize::MAX);
        within_token_cap(held, added)?;
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

    async fn held_fingerprints(&self, case: CaseId) -> Result<Vec<HeldFingerprint>, StoreError> {
        let rows = sqlx::query(
            "SELECT fingerprint, outcome FROM held_token WHERE case_id = $1 ORDER BY token_id",
        )
        .bind(case.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(HeldFingerprint {
                    fingerprint: row.try_get("fingerprint")?,
                    outcome: row.try_get("outcome")?,
                })
            })
            .collect()
    }

    async fn held_tokens(
        &self,
        case: CaseId,
        sealer: &TokenSealer,
    ) -> Result<Vec<HeldToken>, StoreError> {
        let rows = sqlx::query(
            "SELECT token_id, fingerprint, sealed, outcome, owner FROM held_token
             WHERE case_id = $1 ORDER BY token_id",
        )
        .bind(case.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let fingerprint: String = row.try_get("fingerprint")?;
                let state = match row.try_get::<Option<String>, _>("outcome")? {
                    None => HeldState::Waiting(
                        sealer.open(&fingerprint, &row.try_get::<String, _>("sealed")?)?,
                    ),
                    Some(outcome) => {
                        HeldState::Settled(Verdict::from_row(&outcome, row.try_get("owner")?)?)
                    }
                };
                Ok(HeldToken {
                    id: row.try_get("token_id")?,
                    fingerprint,
                    state,
                })
            })
            .collect()
    }
}

/// Keeps the verdicts of the [`HeldState::Settled`] tokens among `tokens` (others are ignored)
/// inside a batch's transaction: their seals are erased. Returns the audit entries to append,
/// one per kind of verdict. A token settled already keeps its first verdict.
pub(crate) async fn keep_verdicts(
    conn: &mut AnyConnection,
    case: CaseId,
    tokens: &[HeldToken],
    now: OffsetDateTime,
) -> Result<Vec<Entry>, StoreError> {
    // One audit record per kind of verdict, each listing its tokens.
    let mut by_kind: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for token in tokens {
        let HeldState::Settled(verdict) = &token.state else {
            continue;
        };
        let owner = match verdict {
            Verdict::NotRevoked { owner } => Some(owner.clone()),
            Verdict::Revoked | Verdict::Dead => None,
        };
        let updated = sqlx::query(
            "UPDATE held_token SET sealed = '', outcome = $1, owner = $2, settled_at = $3
             WHERE token_id = $4 AND case_id = $5 AND outcome IS NULL",
        )
        .bind(verdict.outcome())
        .bind(owner.clone())
        .bind(ms(now))
        .bind(token.id.clone())
        .bind(case.to_string())
        .execute(&mut *conn)
        .await?;
        if updated.rows_affected() > 0 {
            let entry = match owner {
                Some(owner) => json!({ "fingerprint": token.fingerprint, "owner": owner }),
                None => json!(token.fingerprint),
            };
            by_kind.entry(verdict.audit_kind()).or_default().push(entry);
        }
    }
    Ok(by_kind
        .into_iter()
        .map(|(kind, tokens)| Entry {
            case: Some(case),
            kind: kind.to_owned(),
            data: json!({ "tokens": tokens }),
        })
        .collect())
}
