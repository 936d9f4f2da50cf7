//! Steering a case once it is open, for every door: HR's changes to the ticket (the PATCH, `case
//! update`, the case page), a re-plan from a fresh read, skipping a step, and asking the
//! approvers again after a rejection. The rules are the core's (`leaver_core::steering`); this
//! adds what needs the outside world: the fresh read, and the links a new manager is handed.

use crate::text::checked_text;
use crate::{Error, Leaver, Result};
use leaver_core::plan::is_person_staying;
use leaver_core::{Case, CaseId, Event, FieldError, StepId, StepState, TicketChange, TicketPatch};
use leaver_store::approvals::{ApprovalStore, HandOver};
use leaver_store::{Actor, Store};
use serde_json::json;

/// What a re-plan did.
#[derive(Clone, Debug)]
pub struct Replanned {
    pub case: Case,
    /// Steps the fresh read added, and skipped.
    pub added: usize,
    pub skipped: usize,
}

/// Someone who may be named successor: a person who stays, member of an org the leaver is in.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    pub org: String,
    pub username: String,
    pub role: String,
}

impl Leaver {
    /// The people who may be named successor on `case`: the human members (admins first) of
    /// each managed org the leaver belongs to, as the engine's org index last read them. Empty
    /// when this Leaver runs without the Hub.
    pub async fn successor_candidates(&self, case: &Case) -> Result<Vec<Candidate>> {
        let Some(running) = self.running.as_ref() else {
            return Ok(Vec::new());
        };
        let snapshot = running
            .engine
            .index()
            .snapshot(self.now())
            .await
            .map_err(|e| Error::Unavailable(format!("the Hub could not be read: {e}")))?;
        let Some(leaver) = case.person.hub_username.as_ref().map(|u| u.as_str()) else {
            return Ok(Vec::new());
        };
        let mut candidates: Vec<Candidate> = snapshot
            .orgs
            .iter()
            .filter(|org| leaver_core::username::lookup(&org.members, leaver).is_some())
            .flat_map(|org| {
                org.members
                    .iter()
                    .filter(|(user, _)| {
                        is_person_staying(
                            user,
                            leaver,
                            &org.token.user,
                            &self.settings.service_accounts,
                        )
                    })
                    .map(|(user, member)| Candidate {
                        org: org.name.clone(),
                        username: user.to_string(),
                        role: member.role.clone(),
                    })
            })
            .collect();
        candidates.sort_by_key(|c| (c.org.clone(), c.role != "admin", c.username.clone()));
        Ok(candidates)
    }

    /// Applies HR's `patch` to case `id`: every field checked (all bad ones named, nothing
    /// written), then the changes recorded with the values they replace. A new manager is handed
    /// the old manager's open approval links; a new `effective_at` reschedules the steps; a new
    /// successor plans a blocked case afresh, or asks again about promoting them. Refused (a
    /// conflict naming why) once the case began writing to the Hub. A patch that changes
    /// nothing returns the case as it is and records nothing.
    pub async fn update_case(
        &self,
        id: CaseId,
        patch: &TicketPatch,
        actor: &Actor,
    ) -> Result<Case> {
        let case = self.store.case(id).await?;
        if case.state.is_closed() {
            return Err(Error::Conflict(format!(
                "case {id} is {}: its ticket can no longer change",
                case.state
            )));
        }
        let mut changes = self.check_patch(patch, &case).map_err(Error::Invalid)?;
        if changes.is_empty() {
            return Ok(case);
        }
        for change in &mut changes {
            if let TicketChange::HubUsername { to, .. } = change {
                *to = self.hub_username_settable(&case, to).await?;
            }
        }
        if let Some(successor) = changes.iter().find_map(|c| match c {
            TicketChange::Successor { to: Some(to), .. } => Some(to),
            _ => None,
        }) {
            self.successor_stays(successor).await?;
        }
        let hand_over = match changes.iter().find_map(|c| match c {
            TicketChange::ManagerEmail { from, to } => Some((from.clone(), to.clone())),
            _ => None,
        }) {
            Some((from, to)) => self.hand_over(&case, from, to).await?,
            None => None,
        };
        let event = Event::TicketUpdated { changes };
        let t = self
            .store
            .update_ticket(id, event, hand_over, actor, self.now())
            .await?;
        Ok(t.case)
    }

    /// What is wrong with the values of `patch` for case `id` (empty when nothing is), without
    /// changing anything: a door that found other faults first reports these with them.
    pub async fn patch_errors(&self, id: CaseId, patch: &TicketPatch) -> Result<Vec<FieldError>> {
        let case = self.store.case(id).await?;
        Ok(self.check_patch(patch, &case).err().unwrap_or_default())
    }

    /// The old manager's open links on `case`, each with a fresh link for the new manager.
    /// Without approval emails (a database-only Leaver) there is nobody to hand them to.
    async fn hand_over(
        &self,
        case: &Case,
        from: leaver_core::EmailAddress,
        to: leaver_core::EmailAddress,
    ) -> Result<Option<HandOver>> {
        let open = self
            .store
            .links_of(case.id)
            .await?
            .into_iter()
            .filter(|l| {
                l.approver == from.as_str()
                    && l.decision.is_none()
                    && l.superseded_at.is_none()
                    && l.request_state == leaver_core::approval::RequestState::Open
            })
            .count();
        if open == 0 {
            return Ok(None);
        }
        let links = &self.running()?.links;
        let now = self.now();
        Ok(Some(HandOver {
            from,
            to,
            fresh: (0..open).map(|_| links.minter.mint()).collect(),
            expires_at: now + links.lifetime,
        }))
    }

    /// Discovers and plans case `id` again from a fresh read of the Hub, before its first
    /// write. Steps the read leaves as they were keep their approvals; access that appeared is
    /// added (put to the approvers where the rules say so), access that is gone is skipped.
    /// When the fresh plan cannot run (a new last admin and no successor), nothing changes and
    /// the conflict says why.
    pub async fn replan(&self, id: CaseId, actor: &Actor) -> Result<Replanned> {
        let case = self.store.case(id).await?;
        if let Some(step) = case.first_write() {
            return Err(Error::Conflict(format!(
                "the case began writing to the Hub ({} on {}): it can no longer be planned again; skip steps or cancel the case instead",
                step.kind, step.target
            )));
        }
        let engine = self.running()?.engine.clone();
        let event = engine
            .replan(&case)
            .await
            .map_err(|e| Error::Unavailable(format!("the Hub could not be read: {e}")))?
            .map_err(|blockers| {
                Error::Conflict(format!(
                    "the fresh plan cannot run as it is: {}",
                    blockers.join("; ")
                ))
            })?;
        let (added, skipped) = match &event {
            Event::Replanned { added, skipped } => (added.len(), skipped.len()),
            Event::Planned { steps, .. } => (steps.len(), 0),
            _ => (0, 0),
        };
        let mut detail = crate::cases::door(actor);
        detail["added"] = json!(added);
        detail["skipped"] = json!(skipped);
        let t = self
            .store
            .record(id, vec![event], actor, detail, None, self.now())
            .await?;
        Ok(Replanned {
            case: t.case,
            added,
            skipped,
        })
    }

    /// Skips step `step` of case `id`: it will not run. `reason` is required and kept with the
    /// step and in the audit trail. The reads of the Hub (`refresh`, `verify`) cannot be
    /// skipped.
    pub async fn skip_step(
        &self,
        id: CaseId,
        step: StepId,
        reason: Option<&str>,
        actor: &Actor,
    ) -> Result<Case> {
        let reason = checked_text("reason", reason)
            .map_err(|bad| Error::Invalid(vec![bad]))?
            .ok_or_else(|| {
                Error::invalid("reason", "say why the step is skipped, for the record")
            })?;
        self.act(id, Event::StepSkipped { step, reason }, actor)
            .await
    }

    /// Puts every rejected step of case `id` to the approvers again (skip the ones that should
    /// not run first). A conflict when no step is rejected.
    pub async fn reask(&self, id: CaseId, actor: &Actor) -> Result<Case> {
        let case = self.store.case(id).await?;
        let steps: Vec<StepId> = case
            .steps
            .iter()
            .filter(|s| s.state == StepState::Rejected)
            .map(|s| s.id)
            .collect();
        if steps.is_empty() {
            return Err(Error::Conflict(format!(
                "case {id} has no rejected step to ask about again"
            )));
        }
        self.act(id, Event::Reasked { steps }, actor).await
    }
}
