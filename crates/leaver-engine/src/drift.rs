//! The drift watch: after a case completes, Leaver keeps looking, for `watch_for`, whether the
//! person holds anything again (re-invited, rejoined, granted a gated repo again).
//!
//! One sweep reads every managed org fresh from the Hub once (members, invitations where
//! visible, every gated repo's access lists: not the org index's snapshot) and judges every
//! watched case against that one read with `leaver_core::plan::reconcile`, the rule the case's
//! own `refresh` and `verify` use. What came back is taken away again through the normal path:
//! a follow-up case (`<external id>-drift-<n>`) is opened, planned, approved by the same rules,
//! carried out and verified; the store links it to the original (`drift_detected` in the
//! original's trail, a notice to the operators). A person with a case still open is left to
//! that case.

use crate::{Engine, read_org};
use leaver_core::plan::{OrgFacts, reconcile};
use leaver_core::{Case, CaseId, ExternalId, StepId, Ticket};
use leaver_hub::HubError;
use leaver_store::{Actor, CaseFilter, DriftLink, StoreError};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Access that came back to a completed case's leaver, and the case opened to take it away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drift {
    /// The original case, the follow-up and what came back, as stored.
    pub link: DriftLink,
    pub follow_up_external_id: String,
}

/// Why a sweep stopped.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("reading the Hub: {0}")]
    Hub(#[from] HubError),
    #[error("the store: {0}")]
    Store(#[from] StoreError),
    #[error("the follow-up's external id: {0}")]
    ExternalId(String),
    #[error("the follow-up {0} is open already")]
    Taken(String),
}

impl Engine {
    /// One sweep of the drift watch at `now`: one fresh read of every managed org shared by
    /// every watched case. Returns the drift it found (and acted on).
    pub async fn sweep_drift(&self, now: OffsetDateTime) -> Result<Vec<Drift>, SweepError> {
        let watched = self.watched_cases(now).await?;
        if watched.is_empty() {
            return Ok(Vec::new());
        }
        let me = self.hub.whoami().await?;
        let mut orgs = Vec::with_capacity(self.config.orgs.len());
        for org in &self.config.orgs {
            orgs.push(read_org(&self.hub, org, &me).await?);
        }
        let mut drifts = Vec::new();
        for case in watched {
            let found = self.what_came_back(&case, &orgs);
            if found.is_empty() || self.has_open_case(&case).await? {
                continue;
            }
            // One case that cannot be followed up (its external id would be too long, say) is
            // logged and looked at again next sweep; the others go on.
            match self.take_away_again(&case, found, now).await {
                Ok(drift) => drifts.push(drift),
                Err(error) => {
                    tracing::error!(case = %case.id, %error, "drift found, no follow-up opened")
                }
            }
        }
        Ok(drifts)
    }

    /// The newest completed case of each person, completed within `watch_for` of `now`.
    async fn watched_cases(&self, now: OffsetDateTime) -> Result<Vec<Case>, StoreError> {
        let since = now - self.config.watch_for;
        let completed = self.store.completed_since(since).await?;
        let mut newest: BTreeMap<String, Case> = BTreeMap::new();
        for case in completed {
            // One person however the tickets spelled them, as the Hub compares usernames.
            let person = case.person.hub_username_text().to_ascii_lowercase();
            if newest
                .get(&person)
                .is_none_or(|n| n.updated_at < case.updated_at)
            {
                newest.insert(person, case);
            }
        }
        Ok(newest.into_values().collect())
    }

    /// What the leaver of `case` holds again in `orgs`, as the reconciler words it.
    fn what_came_back(&self, case: &Case, orgs: &[OrgFacts]) -> Vec<String> {
        let Some(ctx) = self.config.plan_context(case) else {
            return Vec::new();
        };
        let found = reconcile(case, &ctx, orgs, StepId::random);
        let mut said = Vec::new();
        // Stripping and removing a membership are two steps for one thing that came back.
        for reason in found
            .added
            .into_iter()
            .map(|a| a.reason)
            .chain(found.blockers)
        {
            if !said.contains(&reason) {
                said.push(reason);
            }
        }
        said
    }

    /// Whether another case of the same person is still open (it takes care of the access).
    async fn has_open_case(&self, case: &Case) -> Result<bool, StoreError> {
        Ok(self
            .cases_of(case.person.hub_username_text())
            .await?
            .iter()
            .any(|c| !c.state.is_closed()))
    }

    async fn cases_of(&self, hub_username: &str) -> Result<Vec<Case>, StoreError> {
        let cases = self
            .store
            .list_cases(&CaseFilter {
                search: Some(hub_username.to_owned()),
                ..CaseFilter::default()
            })
            .await?;
        Ok(cases
            .into_iter()
            .filter(|c| {
                c.person
                    .hub_username
                    .as_ref()
                    .is_some_and(|u| u.is(hub_username))
            })
            .collect())
    }

    /// Opens the follow-up case for `case` and records the drift on both.
    async fn take_away_again(
        &self,
        case: &Case,
        found: Vec<String>,
        now: OffsetDateTime,
    ) -> Result<Drift, SweepError> {
        let earlier = self.cases_of(case.person.hub_username_text()).await?;
        let external_id = follow_up_external_id(case.external_id.as_str(), &earlier);
        let ticket = Ticket {
            external_id: ExternalId::parse(&external_id).map_err(SweepError::ExternalId)?,
            email: case.person.email.clone(),
            name: case.person.name.clone(),
            hub_username: case.person.hub_username.clone(),
            manager_email: case.manager_email.clone(),
            successor: case.successor.clone(),
            effective_at: None,
            reason: Some(format!(
                "access came back after {} completed",
                case.external_id
            )),
        };
        let link = DriftLink {
            original: case.id,
            follow_up: CaseId::random(),
            found,
            // As stored: to the millisecond.
            detected_at: now.replace_millisecond(now.millisecond()).unwrap_or(now),
        };
        if !self
            .store
            .open_follow_up(&ticket, &link, &Actor::engine())
            .await?
        {
            return Err(SweepError::Taken(external_id));
        }
        tracing::warn!(case = %case.id, follow_up = %link.follow_up, "drift detected");
        Ok(Drift {
            link,
            follow_up_external_id: external_id,
        })
    }
}

/// `<root>-drift-<n>`: the root is the first case's external id (a follow-up's own drift
/// counts on from its root), `n` one more than the follow-ups `earlier` already has.
pub fn follow_up_external_id(external_id: &str, earlier: &[Case]) -> String {
    let root = external_id
        .split_once("-drift-")
        .map_or(external_id, |(root, _)| root);
    let prefix = format!("{root}-drift-");
    let n = earlier
        .iter()
        .filter(|c| c.external_id.as_str().starts_with(&prefix))
        .count()
        + 1;
    format!("{prefix}{n}")
}

#[cfg(test)]
mod tests {
    use super::follow_up_external_id;
    use leaver_core::{Case, CaseId, Ticket, TicketInput};
    use time::OffsetDateTime;

    fn case(external_id: &str) -> Case {
        let ticket = Ticket::parse(&TicketInput {
            external_id: Some(external_id.into()),
            email: Some("bob@acme.test".into()),
            hub_username: Some("bob".into()),
            manager_email: Some("erin@acme.test".into()),
            ..TicketInput::default()
        })
        .expect("ticket");
        Case::open(CaseId::random(), &ticket, OffsetDateTime::UNIX_EPOCH)
    }

    #[test]
    fn follow_ups_count_on_from_the_root_case() {
        let root = case("HR-7");
        assert_eq!(
            follow_up_external_id("HR-7", std::slice::from_ref(&root)),
            "HR-7-drift-1"
        );
        let first = case("HR-7-drift-1");
        let earlier = [root, first, case("HR-70-drift-1")];
        assert_eq!(follow_up_external_id("HR-7", &earlier), "HR-7-drift-2");
        assert_eq!(
            follow_up_external_id("HR-7-drift-1", &earlier),
            "HR-7-drift-2",
            "a follow-up's own drift counts on from its root"
        );
    }
}
