//! Dates at the doors: a ticket's `effective_at` read in `LEAVER_TIMEZONE` (a date alone, a
//! time without an offset, or RFC 3339 with its own offset), a time in the past refused unless
//! the sender said to run at once (`"run_now": true`, `--now`, a `run_now` CSV column, the
//! form's checkbox), and a case opened that way marked to run now.

use crate::{Error, Leaver, Result};
use leaver_core::input::{Zone, not_past};
use leaver_core::{
    Case, FieldError, HubUsernameRule, Ticket, TicketChange, TicketInput, TicketPatch,
};
use leaver_store::{Actor, Opened};
use time::OffsetDateTime;

/// The ticket in `input` with its times read in `zone`; a time before `now` is refused
/// (naming `effective_at`) unless `run_now`. Every bad field at once.
pub fn check_dated_ticket(
    input: &TicketInput,
    zone: &Zone,
    now: OffsetDateTime,
    run_now: bool,
) -> Result<Ticket> {
    check_dated_ticket_by(input, zone, now, run_now, HubUsernameRule::Required)
}

/// [`check_dated_ticket`], with the Hub username required or allowed to wait.
fn check_dated_ticket_by(
    input: &TicketInput,
    zone: &Zone,
    now: OffsetDateTime,
    run_now: bool,
    rule: HubUsernameRule,
) -> Result<Ticket> {
    let ticket = Ticket::parse_by(input, zone, rule).map_err(Error::Invalid)?;
    match ticket.effective_at {
        Some(at) if !run_now => not_past(at, now, zone).map_err(|message| {
            Error::Invalid(vec![FieldError {
                field: "effective_at",
                message,
            }])
        })?,
        _ => {}
    }
    Ok(ticket)
}

/// `run_now` as a form, a CSV cell or a flag spells it: `true`, `yes`, `on`, `1` (any case).
pub fn run_now_flag(raw: Option<&str>) -> bool {
    raw.map(str::trim).is_some_and(|v| {
        ["true", "yes", "on", "1"]
            .iter()
            .any(|yes| v.eq_ignore_ascii_case(yes))
    })
}

impl Leaver {
    /// The zone people's times are read and shown in (`LEAVER_TIMEZONE`).
    pub fn zone(&self) -> Zone {
        self.settings.zone()
    }

    /// The ticket in `input`, dated in this Leaver's zone and refused when it takes effect in
    /// the past without `run_now`; a replay of a ticket already opened is not refused for its
    /// time (the store answers it with the case, or a conflict).
    pub(crate) async fn dated_ticket(
        &self,
        input: &TicketInput,
        run_now: bool,
        rule: HubUsernameRule,
    ) -> Result<Ticket> {
        match check_dated_ticket_by(input, &self.zone(), self.now(), run_now, rule) {
            Err(Error::Invalid(errors))
                if errors.iter().all(|e| e.field == "effective_at")
                    && self.ticket_opened(input).await? =>
            {
                check_dated_ticket_by(input, &self.zone(), self.now(), true, rule)
            }
            other => other,
        }
    }

    /// The changes `patch` makes to `case`, its times read in this Leaver's zone; a new
    /// effective time in the past is refused (the case's Run now does that).
    pub(crate) fn check_patch(
        &self,
        patch: &TicketPatch,
        case: &Case,
    ) -> std::result::Result<Vec<TicketChange>, Vec<FieldError>> {
        let zone = self.zone();
        let changes = patch.check_in(case, &zone)?;
        for change in &changes {
            if let TicketChange::EffectiveAt { to: Some(at), .. } = change
                && not_past(*at, self.now(), &zone).is_err()
            {
                return Err(vec![FieldError {
                    field: "effective_at",
                    message: format!(
                        "is in the past ({}); to run the case at once, use Run now on its page",
                        zone.format(*at)
                    ),
                }]);
            }
        }
        Ok(changes)
    }

    /// Whether a case was opened for the ticket id in `input`.
    async fn ticket_opened(&self, input: &TicketInput) -> Result<bool> {
        let Some(id) = input.external_id.as_deref().map(str::trim) else {
            return Ok(false);
        };
        Ok(self.case_for_ticket(id).await?.is_some())
    }

    /// Opens a case as [`Leaver::open_case`] does; with `run_now`, a time in the past is
    /// accepted and the new case runs without waiting for its effective time.
    pub async fn open_case_run_now(
        &self,
        input: &TicketInput,
        run_now: bool,
        actor: &Actor,
    ) -> Result<Opened> {
        self.open_case_by(input, run_now, HubUsernameRule::Required, actor)
            .await
    }

    /// [`Leaver::open_case_run_now`] for a door that may not know the Hub username (the
    /// identity provider, an HR webhook) when `rule` allows it to wait: the case then opens
    /// waiting for it (`leaver_core::awaiting_username`).
    pub async fn open_case_by(
        &self,
        input: &TicketInput,
        run_now: bool,
        rule: HubUsernameRule,
        actor: &Actor,
    ) -> Result<Opened> {
        let mut opened = self.open_ticket(input, run_now, rule, actor).await?;
        if run_now && opened.created && !opened.case.run_now {
            opened.case = self.run_now(opened.case.id, actor).await?;
        }
        Ok(opened)
    }
}
