//! Confirming that a leaver holds nothing: Leaver found them in none of the managed orgs, with
//! no gated access and no invitation, so their plan waits in `needs_attention` instead of ending
//! green unseen. An operator confirms (or cancels); then the tokens step and the verifying read
//! run, and the case completes from that read.

use crate::{Leaver, Result};
use leaver_core::{Case, CaseId, Event};
use leaver_store::Actor;

impl Leaver {
    /// Confirms that the leaver of case `id` holds nothing Leaver can see. A conflict unless the
    /// case is blocked for that reason alone.
    pub async fn confirm_nothing_held(&self, id: CaseId, actor: &Actor) -> Result<Case> {
        self.act(id, Event::NothingHeldConfirmed, actor).await
    }
}
