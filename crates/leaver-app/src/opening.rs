//! What opening a case checks beyond the ticket's own fields: that the Hub knows the leaver
//! (when it can be asked; stored as the Hub spells the name), that the successor is not leaving
//! too, and that the person has no other open case. The same checks hold when the Hub username
//! of a case that waited for it is set. Usernames are compared as the Hub compares
//! them (`Alice` is `alice`).
//!
//! The Hub is asked by the single-case doors (REST, the new-case form, `leaver case open` with
//! `LEAVER_HUB_TOKEN` set) with one quick call and no retries. When it cannot answer (down, slow,
//! no token) or for a CSV import (hundreds of rows, one call each would be slow and rate-limited),
//! the case opens and the planner checks: a username no account has blocks the plan
//! ("no Hugging Face account named X") and the case needs attention.

use crate::settings::Settings;
use crate::{Error, Leaver, Result};
use leaver_core::{Case, HubUsername, Ticket};
use leaver_engine::open_cases_of;
use leaver_hub::{HubClient, HubConfig, HubErrorKind};
use std::time::Duration;

/// The client that looks usernames up while a door waits: one attempt, short timeouts.
pub(crate) fn lookup_client(settings: &Settings) -> Option<HubClient> {
    let token = settings.hub_token.clone()?;
    let config = HubConfig::new(settings.hub_url.clone(), token)
        .with_retries(1, Duration::from_millis(100), Duration::from_millis(100))
        .with_timeouts(Duration::from_secs(5), Duration::from_secs(2));
    HubClient::new(config).ok()
}

impl Leaver {
    /// `ticket` with the leaver as the Hub spells them, or [`Error::Invalid`] naming
    /// `hub_username` when the Hub says no account has that name. Unchanged when the Hub cannot
    /// be asked (the planner checks then).
    pub(crate) async fn known_to_the_hub(&self, mut ticket: Ticket) -> Result<Ticket> {
        let Some(asked) = &ticket.hub_username else {
            return Ok(ticket);
        };
        let canonical = self
            .as_the_hub_spells(asked)
            .await
            .map_err(|message| Error::invalid("hub_username", message))?;
        ticket.hub_username = Some(canonical);
        Ok(ticket)
    }

    /// The Hub username `name` set on `case`, which waited for it, as the Hub spells it: refused
    /// (invalid `person.hub_username`) when the Hub says no account has it, or (a conflict)
    /// when that account has another open case.
    pub(crate) async fn hub_username_settable(
        &self,
        case: &Case,
        name: &HubUsername,
    ) -> Result<HubUsername> {
        let canonical = self
            .as_the_hub_spells(name)
            .await
            .map_err(|message| Error::invalid("person.hub_username", message))?;
        let open = open_cases_of(self.store.as_ref(), canonical.as_str()).await?;
        if let Some(other) = open.iter().find(|c| c.id != case.id) {
            return Err(Error::Conflict(format!(
                "{canonical} already has an open case (case {}, ticket {}): steer that one, or cancel this one",
                other.id, other.external_id
            )));
        }
        Ok(canonical)
    }

    /// `asked` as the Hub spells it, the words saying no account has it, or `asked` as it is
    /// when the Hub cannot be asked (the planner checks then).
    async fn as_the_hub_spells(
        &self,
        asked: &HubUsername,
    ) -> std::result::Result<HubUsername, String> {
        let Some(hub) = self.lookup.as_ref() else {
            return Ok(asked.clone());
        };
        match hub.user_overview(asked.as_str()).await {
            Ok(overview) => Ok(HubUsername::parse(&overview.user)
                .ok()
                .filter(|canonical| canonical.is(asked.as_str()))
                .unwrap_or_else(|| asked.clone())),
            Err(e) if e.kind() == HubErrorKind::NotFound => {
                Err(format!("no Hugging Face account named {asked}"))
            }
            Err(error) => {
                tracing::warn!(%error, "the Hub could not say whether the leaver's account exists; planning will check");
                Ok(asked.clone())
            }
        }
    }

    /// Refuses `successor` when they have an open case of their own (invalid `successor`):
    /// at opening and when HR names a new successor.
    pub(crate) async fn successor_stays(&self, successor: &HubUsername) -> Result<()> {
        let leaving = open_cases_of(self.store.as_ref(), successor.as_str()).await?;
        match leaving.first() {
            Some(case) => Err(Error::invalid(
                "successor",
                format!("{successor} is leaving too (case {})", case.id),
            )),
            None => Ok(()),
        }
    }

    /// Refuses a ticket whose successor has an open case of their own (invalid `successor`), or
    /// whose leaver already has an open case under another ticket (a conflict naming it). A
    /// replay of the ticket of an open case passes (the store answers it).
    pub(crate) async fn check_other_cases(&self, ticket: &Ticket) -> Result<()> {
        if let Some(successor) = &ticket.successor {
            self.successor_stays(successor).await?;
        }
        let Some(leaver) = &ticket.hub_username else {
            return Ok(());
        };
        let open = open_cases_of(self.store.as_ref(), leaver.as_str()).await?;
        if let Some(first) = open
            .iter()
            .filter(|c| c.external_id != ticket.external_id)
            .min_by_key(|c| c.created_at)
        {
            return Err(Error::Conflict(format!(
                "{} already has an open case (case {}, ticket {}): steer that one, or cancel it first",
                leaver, first.id, first.external_id
            )));
        }
        Ok(())
    }
}
