//! The person's check of Tokens Management for a case (`leaver_core::tokens_ack`): given from
//! the case page, the REST API or the CLI, recorded with who and when, audited; and the held
//! tokens as pages show them (fingerprints only).

use crate::{Leaver, Result};
use leaver_core::{Case, CaseId, Event};
use leaver_store::held_tokens::HeldFingerprint;
use leaver_store::{Actor, TokenStore};

impl Leaver {
    /// Records that `actor` checked Tokens Management for the leaver of case `id`. A conflict
    /// when it was recorded already or the case has no `flag_tokens` step to run.
    pub async fn acknowledge_tokens(&self, id: CaseId, actor: &Actor) -> Result<Case> {
        let by = actor.as_str().to_owned();
        self.act(id, Event::TokensAcknowledged { by }, actor).await
    }

    /// The raw tokens held for case `id`, by fingerprint and outcome (never a value).
    pub async fn held_fingerprints(&self, id: CaseId) -> Result<Vec<HeldFingerprint>> {
        Ok(self.store.held_fingerprints(id).await?)
    }
}
