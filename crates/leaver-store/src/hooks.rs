//! Signed HR webhooks: the sources allowed to send them, each with an HMAC secret kept sealed
//! ([`TokenSealer::seal_text`], bound to the source's name; never in clear), and the event ids
//! each source had accepted (a second delivery of one is a replay). Creating and revoking a
//! source are audit records naming who did it; the secret never reaches the audit trail.
//!
//! An event's id is claimed in the same transaction as its action's first write ([`claiming`]):
//! the action and the claim stand or fall together, so a failure or a crash in the middle
//! leaves neither and the sender's retry acts once, and two copies arriving together act once
//! (the second's write finds the id claimed and is rolled back whole).

use crate::cases::rows::{from_ms, ms};
use crate::mail::operator_notices;
use crate::{Actor, SqlStore, StoreError, TokenSealer, audit};
use async_trait::async_trait;
use leaver_core::CaseId;
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;

/// The audit kind of a source's creation.
pub const HOOK_SOURCE_CREATED: &str = "hook_source_created";
/// The audit kind of a source's revocation.
pub const HOOK_SOURCE_REVOKED: &str = "hook_source_revoked";
/// The audit kind of a `rehired` event that came after the case began writing to the Hub.
pub const REHIRED_AFTER_WRITE: &str = "rehired_after_hub_write";

/// A hook source, without its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookSource {
    pub name: String,
    pub created_at: OffsetDateTime,
    /// When it was revoked; a revoked source's deliveries are refused as from an unknown one.
    pub revoked_at: Option<OffsetDateTime>,
}

/// Hook sources and the event ids they had accepted.
#[async_trait]
pub trait HookStore: Send + Sync {
    /// Stores a source named `name` with `secret` sealed, and audits it. A revoked source of
    /// that name is replaced (its event ids stay spent). `false` (nothing written) when an
    /// unrevoked source has the name.
    async fn create_hook_source(
        &self,
        name: &str,
        secret: &str,
        sealer: &TokenSealer,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Every source, revoked ones included, by name.
    async fn hook_sources(&self) -> Result<Vec<HookSource>, StoreError>;

    /// The secret of the unrevoked source named `name`, opened; `None` when there is none.
    async fn hook_secret(
        &self,
        name: &str,
        sealer: &TokenSealer,
    ) -> Result<Option<String>, StoreError>;

    /// Revokes the source named `name` (its deliveries are refused from now on) and audits
    /// it. `false` (nothing written) when no unrevoked source has the name.
    async fn revoke_hook_source(
        &self,
        name: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Notes that `source` accepted event `event_id`; `false` (nothing written) when it had
    /// already: a replay.
    async fn claim_hook_event(
        &self,
        source: &str,
        event_id: &str,
        event_type: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// A `rehired` event for `case` after it began writing to the Hub: claims the event id,
    /// audits it and tells the operators `notice`, in one transaction. `false` (nothing
    /// written) when the event id was claimed before: a replay.
    async fn rehired_after_write(
        &self,
        case: CaseId,
        source: &str,
        event_id: &str,
        notice: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
}

/// What a source's secret is bound to when sealed.
fn seal_context(name: &str) -> String {
    format!("hook_source:{name}")
}

#[async_trait]
impl HookStore for SqlStore {
    async fn create_hook_source(
        &self,
        name: &str,
        secret: &str,
        sealer: &TokenSealer,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let sealed = sealer.seal_text(&seal_context(name), secret)?;
        let mut tx = audit::begin_write(self.writer()).await?;
        let replaced = sqlx::query(
            "UPDATE hook_source SET sealed_secret = $1, created_at = $2, revoked_at = NULL
             WHERE name = $3 AND revoked_at IS NOT NULL",
        )
        .bind(&sealed)
        .bind(ms(now))
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if replaced == 0 {
            let inserted = sqlx::query(
                "INSERT INTO hook_source (hook_source_id, name, sealed_secret, created_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(name)
            .bind(&sealed)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                return Ok(false);
            }
        }
        let data = json!({ "source": name });
        audit::commit_audited(tx, None, actor.as_str(), HOOK_SOURCE_CREATED, data, now).await?;
        Ok(true)
    }

    async fn hook_sources(&self) -> Result<Vec<HookSource>, StoreError> {
        let rows =
            sqlx::query("SELECT name, created_at, revoked_at FROM hook_source ORDER BY name")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                Ok(HookSource {
                    name: row.try_get("name")?,
                    created_at: from_ms(row.try_get("created_at")?)?,
                    revoked_at: row
                        .try_get::<Option<i64>, _>("revoked_at")?
                        .map(from_ms)
                        .transpose()?,
                })
            })
            .collect()
    }

    async fn hook_secret(
        &self,
        name: &str,
        sealer: &TokenSealer,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT sealed_secret FROM hook_source WHERE name = $1 AND revoked_at IS NULL",
        )
        .bind(name)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| sealer.open_text(&seal_context(name), &row.try_get::<String, _>(0)?))
            .transpose()
    }

    async fn revoke_hook_source(
        &self,
        name: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        let revoked = sqlx::query(
            "UPDATE hook_source SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL",
        )
        .bind(ms(now))
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if revoked == 0 {
            return Ok(false);
        }
        let data = json!({ "source": name });
        audit::commit_audited(tx, None, actor.as_str(), HOOK_SOURCE_REVOKED, data, now).await?;
        Ok(true)
    }

    async fn claim_hook_event(
        &self,
        source: &str,
        event_id: &str,
        event_type: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer().begin().await?;
        let claimed = claim(&mut tx, source, event_id, event_type, now).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    async fn rehired_after_write(
        &self,
        case: CaseId,
        source: &str,
        event_id: &str,
        notice: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        if !claim(&mut tx, source, event_id, "rehired", now).await? {
            return Ok(false);
        }
        operator_notices::queue(&mut tx, &[(case, notice.to_owned())], now).await?;
        let actor = Actor::hook(source);
        let data = json!({ "event_id": event_id, "notice": notice });
        audit::commit_audited(
            tx,
            Some(case),
            actor.as_str(),
            REHIRED_AFTER_WRITE,
            data,
            now,
        )
        .await?;
        Ok(true)
    }
}

/// Inserts the event id unless it is there; whether it was inserted.
async fn claim(
    tx: &mut Transaction<'static, Any>,
    source: &str,
    event_id: &str,
    event_type: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO hook_event (source, event_id, event_type, received_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (source, event_id) DO NOTHING",
    )
    .bind(source)
    .bind(event_id)
    .bind(event_type)
    .bind(ms(now))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// An event id to claim with its action's first write (see [`claiming`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookClaim {
    pub source: String,
    pub event_id: String,
    pub event_type: String,
    pub at: OffsetDateTime,
}

/// What became of a claim once its action returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// No audited write began: the action changed nothing (or failed before writing); the
    /// claim is still to be made.
    Unused(HookClaim),
    /// Claimed in the transaction of the action's first write: it stands if that committed.
    Written,
    /// The id had been claimed before: that write was refused and rolled back whole.
    Spent,
}

tokio::task_local! {
    static CLAIM: std::cell::RefCell<ClaimOutcome>;
}

/// Runs `action` (a use case's call, in this task) with `claim` riding on its first audited
/// write: the transaction [`audit::begin_write`] opens inserts the event id first, and refuses
/// the write ([`StoreError::EventSpent`]) when the id was claimed before. Returns the action's
/// result and what became of the claim.
pub async fn claiming<F: std::future::Future>(
    claim: HookClaim,
    action: F,
) -> (F::Output, ClaimOutcome) {
    let cell = std::cell::RefCell::new(ClaimOutcome::Unused(claim));
    CLAIM
        .scope(cell, async {
            let output = action.await;
            let outcome = CLAIM.with(|c| c.borrow().clone());
            (output, outcome)
        })
        .await
}

/// In a write transaction just begun: the claim waiting in this task, if any, inserted.
pub(crate) async fn claim_waiting(tx: &mut Transaction<'static, Any>) -> Result<(), StoreError> {
    let waiting = CLAIM
        .try_with(|c| match &*c.borrow() {
            ClaimOutcome::Unused(claim) => Some(claim.clone()),
            _ => None,
        })
        .ok()
        .flatten();
    let Some(c) = waiting else {
        return Ok(());
    };
    let claimed = claim(tx, &c.source, &c.event_id, &c.event_type, c.at).await?;
    let outcome = if claimed {
        ClaimOutcome::Written
    } else {
        ClaimOutcome::Spent
    };
    let _ = CLAIM.try_with(|cell| *cell.borrow_mut() = outcome);
    if claimed {
        Ok(())
    } else {
        Err(StoreError::EventSpent(format!(
            "event {:?} from {} was accepted before",
            c.event_id, c.source
        )))
    }
}
