//! Writes a case's Tokens Management acknowledgement (`leaver_core::tokens_ack`): rare, so
//! outside the multi-row update every transition makes.

use super::rows::ms;
use crate::StoreError;
use leaver_core::Case;
use sqlx::{Any, Transaction};

/// Stores `case.tokens_ack` (who and when, or neither).
pub(super) async fn save(
    tx: &mut Transaction<'static, Any>,
    case: &Case,
) -> Result<(), StoreError> {
    let (by, at) = match &case.tokens_ack {
        Some(ack) => (Some(ack.by.clone()), Some(ms(ack.at))),
        None => (None, None),
    };
    sqlx::query(
        "UPDATE offboarding_case SET tokens_ack_by = $1, tokens_ack_at = $2 WHERE case_id = $3",
    )
    .bind(by)
    .bind(at)
    .bind(case.id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
