//! The last calls Leaver received from outside, per door ([`Channel`]) and caller (a hook
//! source's or a key's name), for the settings page: method, path, the status answered and a
//! short outcome, never a secret or a body. Bounded: each channel and name keeps its newest
//! [`KEEP_PER_NAME`] calls, older ones are pruned as new ones arrive.

use crate::cases::rows::{from_ms, ms};
use crate::{SqlStore, StoreError};
use async_trait::async_trait;
use sqlx::Row;
use std::fmt;
use time::OffsetDateTime;

/// How many calls are kept per channel and name.
pub const KEEP_PER_NAME: u32 = 50;
/// How long a stored outcome may be, in characters (longer ones are cut).
pub const OUTCOME_MAX_CHARS: usize = 200;
/// How long a stored path may be, in characters (longer ones are cut).
const PATH_MAX_CHARS: usize = 300;

/// The door a call came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// A signed HR webhook (`/api/v1/hooks/{source}`).
    Hook,
    /// The SCIM service provider (`/scim/v2`).
    Scim,
    /// The REST API with an API key.
    Api,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Hook => "hook",
            Channel::Scim => "scim",
            Channel::Api => "api",
        }
    }

    fn parse(s: &str) -> Result<Channel, StoreError> {
        match s {
            "hook" => Ok(Channel::Hook),
            "scim" => Ok(Channel::Scim),
            "api" => Ok(Channel::Api),
            other => Err(StoreError::Corrupt(format!(
                "inbound_call: unknown channel {other:?}"
            ))),
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One call received. `outcome` is a short text (`case 0193… opened`, `bad signature`); never
/// put a secret, a header value or a body in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundCall {
    pub channel: Channel,
    /// The hook source's or key's name.
    pub name: String,
    pub at: OffsetDateTime,
    pub method: String,
    pub path: String,
    /// The HTTP status answered.
    pub status: u16,
    pub outcome: String,
}

/// Recording and reading the calls received.
#[async_trait]
pub trait InboundCalls: Send + Sync {
    /// Stores `call` (its outcome and path cut to length) and prunes the calls of its channel
    /// and name beyond the newest [`KEEP_PER_NAME`].
    async fn record_inbound_call(&self, call: &InboundCall) -> Result<(), StoreError>;

    /// The newest calls of `channel` from `name`, newest first, at most `limit` of them.
    async fn recent_inbound_calls(
        &self,
        channel: Channel,
        name: &str,
        limit: u32,
    ) -> Result<Vec<InboundCall>, StoreError>;
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[async_trait]
impl InboundCalls for SqlStore {
    async fn record_inbound_call(&self, call: &InboundCall) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        sqlx::query(
            "INSERT INTO inbound_call
             (inbound_call_id, channel, name, at, method, path, status, outcome)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(call.channel.as_str())
        .bind(&call.name)
        .bind(ms(call.at))
        .bind(cut(&call.method, 16))
        .bind(cut(&call.path, PATH_MAX_CHARS))
        .bind(i64::from(call.status))
        .bind(cut(&call.outcome, OUTCOME_MAX_CHARS))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM inbound_call WHERE channel = $1 AND name = $2 AND inbound_call_id NOT IN
             (SELECT inbound_call_id FROM inbound_call WHERE channel = $1 AND name = $2
              ORDER BY at DESC, inbound_call_id DESC LIMIT $3)",
        )
        .bind(call.channel.as_str())
        .bind(&call.name)
        .bind(i64::from(KEEP_PER_NAME))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn recent_inbound_calls(
        &self,
        channel: Channel,
        name: &str,
        limit: u32,
    ) -> Result<Vec<InboundCall>, StoreError> {
        let rows = sqlx::query(
            "SELECT channel, name, at, method, path, status, outcome FROM inbound_call
             WHERE channel = $1 AND name = $2
             ORDER BY at DESC, inbound_call_id DESC LIMIT $3",
        )
        .bind(channel.as_str())
        .bind(name)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let status: i64 = row.try_get("status")?;
                Ok(InboundCall {
                    channel: Channel::parse(&row.try_get::<String, _>("channel")?)?,
                    name: row.try_get("name")?,
                    at: from_ms(row.try_get("at")?)?,
                    method: row.try_get("method")?,
                    path: row.try_get("path")?,
                    status: u16::try_from(status).map_err(|_| {
                        StoreError::Corrupt(format!("inbound_call: status {status}"))
                    })?,
                    outcome: row.try_get("outcome")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn long_texts_are_cut_on_a_character() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("ééééé", 3), "ééé…");
    }
}
