//! Approval links, from the approver's side: look a link up by its secret, decide, ask for a
//! fresh link when one expired. Thin over the store's approval requests; the brake on guessed
//! links is the web's (it counts per address).

use crate::{Error, Leaver, Result};
use leaver_core::approval::Decision;
use leaver_core::{Case, CaseId};
use leaver_engine::Minter;
use leaver_store::Store;
use leaver_store::approvals::{ApprovalStore, Decided, DecisionOrigin, LinkView, hash_token};
use std::sync::Arc;
use std::time::Duration;

/// Minting for "send me a fresh link".
#[derive(Clone, Debug)]
pub struct ApprovalLinks {
    pub minter: Arc<Minter>,
    /// How long a renewed link works.
    pub lifetime: Duration,
}

impl Leaver {
    /// The link whose secret is `token`, with its case; `None` if there is none.
    pub async fn approval_link(&self, token: &str) -> Result<Option<(LinkView, Case)>> {
        let Some(link) = self.store.link(&hash_token(token)).await? else {
            return Ok(None);
        };
        let case = self.store.case(link.case_id).await?;
        Ok(Some((link, case)))
    }

    /// Every link of a case, oldest first.
    pub async fn approval_links_of(&self, case: CaseId) -> Result<Vec<LinkView>> {
        Ok(self.store.links_of(case).await?)
    }

    /// Records the decision of the approver holding `token`; when it settles the request, the
    /// steps are approved or rejected in the same write.
    pub async fn decide(
        &self,
        token: &str,
        decision: Decision,
        reason: Option<String>,
        origin: &DecisionOrigin,
    ) -> Result<Decided> {
        let decided = self
            .store
            .decide(&hash_token(token), decision, reason, origin, self.now())
            .await?;
        Ok(decided)
    }

    /// The approver holding `token` names the successor to promote (the product's "named in the
    /// ticket, or chosen by the approver"). Only a link that may still decide, on a request
    /// about promoting a successor, may; the promotion is then put to its approvers again (this
    /// one included: they approve the person they chose), while their decision on the rest of
    /// the request stands. Returns the case; `None` when the successor is already that person.
    pub async fn choose_successor(&self, token: &str, successor: &str) -> Result<Option<Case>> {
        let Some((link, case)) = self.approval_link(token).await? else {
            return Err(Error::NotFound("no such approval link".into()));
        };
        let open = link.decision.is_none()
            && link.superseded_at.is_none()
            && link.request_state == leaver_core::approval::RequestState::Open
            && !case.state.is_closed()
            && link.expires_at > self.now();
        if !open {
            return Err(Error::Conflict(
                "this link can no longer decide, so it cannot choose a successor either".into(),
            ));
        }
        let promotes = link.steps.iter().any(|id| {
            case.step(*id)
                .is_some_and(|s| s.kind == leaver_core::StepKind::ReassignLastAdmin)
        });
        if !promotes {
            return Err(Error::invalid(
                "successor",
                "this request promotes nobody: there is no successor to choose",
            ));
        }
        let successor = leaver_core::HubUsername::parse(successor)
            .map_err(|e| Error::invalid("successor", e))?;
        if case.successor.as_ref() == Some(&successor) {
            return Ok(None);
        }
        let event = leaver_core::Event::SuccessorChosen { successor };
        let actor = leaver_store::Actor::approver(&link.approver);
        Ok(Some(self.act(case.id, event, &actor).await?))
    }

    /// Replaces the expired, undecided link `token` by a fresh one emailed to the same
    /// approver; `None` if it may not be renewed.
    pub async fn renew_link(&self, token: &str) -> Result<Option<LinkView>> {
        let links = &self
            .running
            .as_ref()
            .ok_or_else(|| Error::Unavailable("approval emails are not configured".into()))?
            .links;
        let now = self.now();
        let renewed = self
            .store
            .renew_link(
                &hash_token(token),
                links.minter.mint(),
                now + links.lifetime,
                now,
            )
            .await?;
        Ok(renewed)
    }
}
