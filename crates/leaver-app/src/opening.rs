//! What opening a case checks beyond the ticket's own fields: that the Hub knows the leaver
//! (when it can be asked; stored as the Hub spells the name), that the successor is not leaving
//! too, and that the person has no other open case. Usernames are compared as the Hub compares
//! them (`Alice` is `alice`).
//!
//! The Hub is asked by the single-case doors (REST, the new-case form, `leaver case open` with
//! `LEAVER_HUB_TOKEN` set) with one quick call and no retries. When it cannot answer (down, slow,
//! no token) or for a CSV import (hundreds of rows, one call each would be slow and rate-limited),
//! the case opens and the planner checks: a username no account has blocks the plan
//! ("no Hugging Face account named X") and the case needs attention.

use crate::settings::Settings;
use crate::{Error, Leaver, Result};
use leaver_core::{HubUsername, Ticket};
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
        let Some(hub) = self.lookup.as_ref() else {
            return Ok(ticket);
        };
        let asked = ticket.hub_username.clone();
        match hub.user_overview(asked.as_str()).await {
            Ok(overview) => {
                if let Ok(canonical) = HubUsername::parse(&overview.user)
                    && canonical.is(asked.as_str())
                {
                    ticket.hub_username = canonical;
                }
                Ok(ticket)
            }
            Err(e) if e.kind() == HubErrorKind::NotFound => Err(Error::invalid(
                "hub_username",
                format!("no Hugging Face account named {asked}"),
            )),
            Err(error) => {
                tracing::warn!(%error, "the Hub could not say whether the leaver's account exists; planning will check");
                Ok(ticket)
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
        let open = open_cases_of(self.store.as_ref(), ticket.hub_username.as_str()).await?;
        if let Some(first) = open
            .iter()
            .filter(|c| c.external_id != ticket.external_id)
            .min_by_key(|c| c.created_at)
        {
            return Err(Error::Conflict(format!(
                "{} already has an open case (case {}, ticket {}): steer that one, or cancel it first",
                ticket.hub_username, first.id, first.external_id
            )));
        }
        Ok(())
    }
}
