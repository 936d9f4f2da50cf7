//! The HR ticket that opens a case: raw input in, a validated [`Ticket`] or the list of bad
//! fields out. The CLI, the REST API, the web form and CSV import all go through [`Ticket::parse`],
//! so a bad field reads the same everywhere.

use crate::{EmailAddress, ExternalId, HubUsername};
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::input::{Zone, effective_at, free_text};

/// A ticket as it arrives: every field optional text, nothing checked yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketInput {
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub hub_username: Option<String>,
    pub manager_email: Option<String>,
    pub successor: Option<String>,
    pub effective_at: Option<String>,
    pub reason: Option<String>,
}

/// Whether a door may open a case before the leaver's Hub username is known. The people's doors
/// (the API, the form, the CLI, CSV import) require it; the identity provider and HR webhooks may
/// not know it, and their case waits for it (see [`crate::awaiting_username`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HubUsernameRule {
    Required,
    MayWait,
}

/// A checked ticket: everything a case needs to start planning, but for a Hub username a door
/// allowed to wait ([`HubUsernameRule::MayWait`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub external_id: ExternalId,
    pub email: EmailAddress,
    pub name: Option<String>,
    pub hub_username: Option<HubUsername>,
    pub manager_email: EmailAddress,
    pub successor: Option<HubUsername>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub effective_at: Option<OffsetDateTime>,
    pub reason: Option<String>,
}

/// One field of a ticket that is missing or malformed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name as the API and CSV spell it (`person.email` in JSON is `email` here).
    pub field: &'static str,
    /// What is wrong, in words an operator understands.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl Ticket {
    /// Checks every field and reports all the bad ones at once, in the order of the CSV columns.
    /// A date or a time without an offset reads in UTC; see [`Ticket::parse_in`].
    pub fn parse(input: &TicketInput) -> Result<Self, Vec<FieldError>> {
        Ticket::parse_in(input, &Zone::utc())
    }

    /// As [`Ticket::parse`], reading a date alone or a time without an offset in `zone`.
    pub fn parse_in(input: &TicketInput, zone: &Zone) -> Result<Self, Vec<FieldError>> {
        Ticket::parse_by(input, zone, HubUsernameRule::Required)
    }

    /// As [`Ticket::parse_in`], with the Hub username required or allowed to wait.
    pub fn parse_by(
        input: &TicketInput,
        zone: &Zone,
        rule: HubUsernameRule,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let external_id = required(
            &mut errors,
            "external_id",
            &input.external_id,
            ExternalId::parse,
        );
        let email = required(&mut errors, "email", &input.email, EmailAddress::parse);
        let name = optional(&mut errors, "name", &input.name, free_text);
        let hub_username = match rule {
            HubUsernameRule::Required => required(
                &mut errors,
                "hub_username",
                &input.hub_username,
                HubUsername::parse,
            )
            .map(Some),
            HubUsernameRule::MayWait => optional(
                &mut errors,
                "hub_username",
                &input.hub_username,
                HubUsername::parse,
            ),
        };
        let manager_email = required(
            &mut errors,
            "manager_email",
            &input.manager_email,
            EmailAddress::parse,
        );
        let successor = optional(
            &mut errors,
            "successor",
            &input.successor,
            HubUsername::parse,
        );
        let effective_at = optional(&mut errors, "effective_at", &input.effective_at, |raw| {
            effective_at(raw, zone)
        });
        let reason = optional(&mut errors, "reason", &input.reason, free_text);
        if let (Some(Some(leaver)), Some(Some(successor))) = (&hub_username, &successor)
            && leaver.is(successor.as_str())
        {
            errors.push(FieldError {
                field: "successor",
                message: "cannot be the person who leaves".into(),
            });
        }
        if let (Some(person), Some(manager)) = (&email, &manager_email)
            && person.same_mailbox(manager)
        {
            errors.push(FieldError {
                field: "manager_email",
                message:
                    "cannot be the leaver's own address: nobody approves their own offboarding"
                        .into(),
            });
        }
        match (
            external_id,
            email,
            name,
            hub_username,
            manager_email,
            successor,
            effective_at,
            reason,
        ) {
            (
                Some(external_id),
                Some(email),
                Some(name),
                Some(hub_username),
                Some(manager_email),
                Some(successor),
                Some(effective_at),
                Some(reason),
            ) if errors.is_empty() => Ok(Ticket {
                external_id,
                email,
                name,
                hub_username,
                manager_email,
                successor,
                effective_at,
                reason,
            }),
            _ => Err(errors),
        }
    }

    /// The ticket back as raw input (what a replay of the same ticket would send).
    pub fn to_input(&self) -> TicketInput {
        TicketInput {
            external_id: Some(self.external_id.to_string()),
            email: Some(self.email.to_string()),
            name: self.name.clone(),
            hub_username: self.hub_username.as_ref().map(ToString::to_string),
            manager_email: Some(self.manager_email.to_string()),
            successor: self.successor.as_ref().map(ToString::to_string),
            effective_at: self.effective_at.and_then(|t| t.format(&Rfc3339).ok()),
            reason: self.reason.clone(),
        }
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn required<T>(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<T> {
    let Some(raw) = present(value) else {
        errors.push(FieldError {
            field,
            message: "is required".into(),
        });
        return None;
    };
    parse(raw)
        .map_err(|message| errors.push(FieldError { field, message }))
        .ok()
}

fn optional<T>(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<Option<T>> {
    match present(value) {
        None => Some(None),
        Some(raw) => parse(raw)
            .map(Some)
            .map_err(|message| errors.push(FieldError { field, message }))
            .ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TicketInput {
        TicketInput {
            external_id: Some("HR-1042".into()),
            email: Some("bob@acme.test".into()),
            name: Some("Bob B".into()),
            hub_username: Some("bob".into()),
            manager_email: Some("carol@acme.test".into()),
            successor: Some("carol".into()),
            effective_at: Some("2026-12-01T17:00:00Z".into()),
            reason: Some("resignation".into()),
        }
    }

    fn fields(input: &TicketInput) -> Vec<&'static str> {
        Ticket::parse(input)
            .expect_err("invalid")
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_complete_ticket_parses_and_round_trips() {
        let ticket = Ticket::parse(&input()).expect("valid");
        assert_eq!(
            ticket.hub_username.as_ref().map(|u| u.as_str()),
            Some("bob")
        );
        assert_eq!(Ticket::parse(&ticket.to_input()).expect("valid"), ticket);
    }

    #[test]
    fn only_the_four_required_fields_are_needed() {
        let minimal = TicketInput {
            name: None,
            successor: None,
            effective_at: None,
            reason: None,
            ..input()
        };
        assert!(Ticket::parse(&minimal).is_ok());
    }

    #[test]
    fn only_a_door_that_may_wait_opens_without_a_hub_username() {
        let without = TicketInput {
            hub_username: None,
            ..input()
        };
        assert_eq!(fields(&without), ["hub_username"]);
        let waiting =
            Ticket::parse_by(&without, &Zone::utc(), HubUsernameRule::MayWait).expect("may wait");
        assert_eq!(waiting.hub_username, None);
        let bad = TicketInput {
            hub_username: Some("-bob".into()),
            ..input()
        };
        let errors = Ticket::parse_by(&bad, &Zone::utc(), HubUsernameRule::MayWait)
            .expect_err("a bad name is still bad");
        assert_eq!(errors[0].field, "hub_username");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad = TicketInput {
            external_id: None,
            email: Some("not-an-email".into()),
            hub_username: Some("-bob".into()),
            effective_at: Some("tomorrow".into()),
            ..input()
        };
        assert_eq!(
            fields(&bad),
            ["external_id", "email", "hub_username", "effective_at"]
        );
    }

    #[test]
    fn the_leaver_cannot_be_their_own_successor_or_manager() {
        let own = TicketInput {
            successor: Some("bob".into()),
            manager_email: Some("bob@acme.test".into()),
            ..input()
        };
        assert_eq!(fields(&own), ["successor", "manager_email"]);
        let shouted = TicketInput {
            manager_email: Some("BOB@acme.test".into()),
            ..input()
        };
        assert_eq!(
            fields(&shouted),
            ["manager_email"],
            "addresses compare without case"
        );
    }
}
