//! Cases: open one from a ticket, cancel, run now, retry a step, mark a manual step done, and
//! read them back. Every door (API, pages, CLI) calls these, so a ticket or a reason is checked
//! by the same rules wherever it comes from.

use crate::text::checked_text;
use crate::{Error, Leaver, Result};
use leaver_core::audit::AuditRecord;
use leaver_core::{Case, CaseId, Event, HubUsernameRule, StepId, Ticket, TicketInput};
use leaver_store::{Actor, CaseFilter, Opened, ReportStore, Store};
use serde_json::{Value, json};
use time::OffsetDateTime;

/// The ticket in `input`, or every bad field at once ([`Error::Invalid`], by the ticket's field
/// names). [`Leaver::open_case`] checks it too; a door may check first to refuse bad input
/// before it opens anything (the CLI creates no database for a bad ticket).
pub fn check_ticket(input: &TicketInput) -> Result<Ticket> {
    Ticket::parse(input).map_err(Error::Invalid)
}

impl Leaver {
    /// Opens a case for the ticket in `input`, or returns the case already opened for the same
    /// ticket. A bad ticket ([`check_ticket`]) writes nothing; the same ticket id with other
    /// content is a conflict.
    ///
    /// Before anything is written: the leaver must be known to the Hub when it can be asked
    /// (stored as the Hub spells them), the successor may not be leaving too, and the person
    /// may have no other open case (see `crate::opening`).
    pub async fn open_case(&self, input: &TicketInput, actor: &Actor) -> Result<Opened> {
        self.open_case_run_now(input, false, actor).await
    }

    /// [`Leaver::open_case`], with or without `run_now` (see `crate::dates`).
    pub(crate) async fn open_ticket(
        &self,
        input: &TicketInput,
        run_now: bool,
        rule: HubUsernameRule,
        actor: &Actor,
    ) -> Result<Opened> {
        let ticket = self
            .known_to_the_hub(self.dated_ticket(input, run_now, rule).await?)
            .await?;
        self.check_other_cases(&ticket).await?;
        let opened = self
            .store
            .open_case(&ticket, CaseId::random(), actor, self.now_ms())
            .await?;
        Ok(opened)
    }

    /// Cancels a case: steps that have not started will not run. A blank `reason` says who
    /// cancelled; a closed case is a conflict.
    pub async fn cancel(&self, id: CaseId, reason: Option<&str>, actor: &Actor) -> Result<Case> {
        let reason = checked_text("reason", reason)
            .map_err(|bad| Error::Invalid(vec![bad]))?
            .unwrap_or_else(|| default_reason(actor));
        self.act(id, Event::Cancelled { reason }, actor).await
    }

    /// Lets a case run now instead of at its effective time.
    pub async fn run_now(&self, id: CaseId, actor: &Actor) -> Result<Case> {
        self.act(id, Event::RunNow, actor).await
    }

    /// Tries a failed step again.
    pub async fn retry_step(&self, id: CaseId, step: StepId, actor: &Actor) -> Result<Case> {
        self.act(id, Event::RetryRequested { step }, actor).await
    }

    /// Records that a person did a manual step; `note` (what was done) is required.
    pub async fn mark_manual_done(
        &self,
        id: CaseId,
        step: StepId,
        note: Option<&str>,
        actor: &Actor,
    ) -> Result<Case> {
        let note = checked_text("note", note)
            .map_err(|bad| Error::Invalid(vec![bad]))?
            .ok_or_else(|| Error::invalid("note", "say what was done, for the record"))?;
        self.act(id, Event::ManualDone { step, note }, actor).await
    }

    /// One case with its steps.
    pub async fn case(&self, id: CaseId) -> Result<Case> {
        Ok(self.store.case(id).await?)
    }

    /// One case and its audit trail, oldest record first.
    pub async fn case_with_trail(&self, id: CaseId) -> Result<(Case, Vec<AuditRecord>)> {
        let case = self.store.case(id).await?;
        let records = self.store.audit_events(Some(id)).await?;
        Ok((case, records))
    }

    /// Cases matching `filter`, newest first, with their steps.
    pub async fn list_cases(&self, filter: &CaseFilter) -> Result<Vec<Case>> {
        Ok(self.store.list_cases(filter).await?)
    }

    /// How many cases match `filter` in all (its limit and offset aside).
    pub async fn count_cases(&self, filter: &CaseFilter) -> Result<i64> {
        Ok(self.store.count_cases(filter).await?)
    }

    /// Records `event` on case `id` as `actor`, noting which door it came through.
    pub(crate) async fn act(&self, id: CaseId, event: Event, actor: &Actor) -> Result<Case> {
        let detail = door(actor);
        let t = self
            .store
            .record(id, vec![event], actor, detail, None, self.now())
            .await?;
        Ok(t.case)
    }

    /// The time to the millisecond, as the store keeps it: what a door answers with is what a
    /// later read shows.
    pub(crate) fn now_ms(&self) -> OffsetDateTime {
        let now = self.now();
        now.replace_millisecond(now.millisecond()).unwrap_or(now)
    }
}

/// The door a change came through, for the audit record's detail.
pub(crate) fn door(actor: &Actor) -> Value {
    let name = actor.as_str();
    if name.starts_with("operator:") {
        json!({ "via": "web" })
    } else if name.starts_with("api:") {
        json!({ "via": "api" })
    } else {
        json!({})
    }
}

/// Why a case was cancelled when nobody said.
fn default_reason(actor: &Actor) -> String {
    match actor.as_str().strip_prefix("api:") {
        Some(client) => format!("cancelled through the API by {client}"),
        None => "cancelled by an operator".into(),
    }
}
