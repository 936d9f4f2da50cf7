//! What HR may change about a case after its ticket: the last day, the manager, the successor,
//! the reason and the person's name, and the Hub username of a case that awaits it (see
//! [`crate::awaiting_username`]; once known it no longer changes). A [`TicketPatch`] arrives
//! from a door (a JSON merge patch, CLI flags, a form); [`TicketPatch::check`] checks each
//! field by the ticket's own rules and returns the [`TicketChange`]s it makes to a case, each
//! with the value it replaces, so the audit trail says what changed from what, and a change
//! computed from a stale read of the case is refused when it is applied.

use crate::input::{Zone, effective_at, free_text};
use crate::ticket::FieldError;
use crate::{Case, EmailAddress, HubUsername};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One field of a patch: left as it is, cleared, or set to a new (unchecked) value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    /// `Set(value)` when there is one, else `Keep` (a CLI flag that was not given).
    pub fn from_option(value: Option<T>) -> Patch<T> {
        value.map_or(Patch::Keep, Patch::Set)
    }
}

/// The changes a door asks for, unchecked. Field names as the API spells them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketPatch {
    pub effective_at: Patch<String>,
    pub manager_email: Patch<String>,
    pub successor: Patch<String>,
    pub reason: Patch<String>,
    /// `person.name`.
    pub name: Patch<String>,
    /// `person.hub_username`: only set, and only on a case that awaits it.
    pub hub_username: Patch<String>,
}

/// One change to a case's ticket, with the value it replaces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum TicketChange {
    EffectiveAt {
        #[serde(with = "time::serde::rfc3339::option")]
        from: Option<OffsetDateTime>,
        #[serde(with = "time::serde::rfc3339::option")]
        to: Option<OffsetDateTime>,
    },
    ManagerEmail {
        from: EmailAddress,
        to: EmailAddress,
    },
    Successor {
        from: Option<HubUsername>,
        to: Option<HubUsername>,
    },
    Reason {
        from: Option<String>,
        to: Option<String>,
    },
    #[serde(rename = "person.name")]
    PersonName {
        from: Option<String>,
        to: Option<String>,
    },
    #[serde(rename = "person.hub_username")]
    HubUsername {
        from: Option<HubUsername>,
        to: HubUsername,
    },
}

impl TicketChange {
    /// The field's name as the API spells it.
    pub fn field(&self) -> &'static str {
        match self {
            TicketChange::EffectiveAt { .. } => "effective_at",
            TicketChange::ManagerEmail { .. } => "manager_email",
            TicketChange::Successor { .. } => "successor",
            TicketChange::Reason { .. } => "reason",
            TicketChange::PersonName { .. } => "person.name",
            TicketChange::HubUsername { .. } => "person.hub_username",
        }
    }

    /// Whether `case` still holds the value this change replaces (else it was computed from a
    /// read that is out of date).
    pub(crate) fn replaces_current(&self, case: &Case) -> bool {
        match self {
            TicketChange::EffectiveAt { from, .. } => *from == case.effective_at,
            TicketChange::ManagerEmail { from, .. } => *from == case.manager_email,
            TicketChange::Successor { from, .. } => *from == case.successor,
            TicketChange::Reason { from, .. } => *from == case.reason,
            TicketChange::PersonName { from, .. } => *from == case.person.name,
            TicketChange::HubUsername { from, .. } => *from == case.person.hub_username,
        }
    }

    /// Writes the new value into `case`.
    pub(crate) fn write(&self, case: &mut Case) {
        match self {
            TicketChange::EffectiveAt { to, .. } => case.effective_at = *to,
            TicketChange::ManagerEmail { to, .. } => case.manager_email = to.clone(),
            TicketChange::Successor { to, .. } => case.successor = to.clone(),
            TicketChange::Reason { to, .. } => case.reason = to.clone(),
            TicketChange::PersonName { to, .. } => case.person.name = to.clone(),
            TicketChange::HubUsername { to, .. } => case.person.hub_username = Some(to.clone()),
        }
    }
}

impl TicketPatch {
    /// Whether the patch asks for nothing at all.
    pub fn is_empty(&self) -> bool {
        *self == TicketPatch::default()
    }

    /// The changes this patch makes to `case`: every field checked by the ticket's rules (all
    /// bad fields at once), and fields that would not change left out. Times without an
    /// offset read in UTC; see [`TicketPatch::check_in`].
    pub fn check(&self, case: &Case) -> Result<Vec<TicketChange>, Vec<FieldError>> {
        self.check_in(case, &Zone::utc())
    }

    /// As [`TicketPatch::check`], reading a date or a time without an offset in `zone`.
    pub fn check_in(&self, case: &Case, zone: &Zone) -> Result<Vec<TicketChange>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut changes = Vec::new();
        let mut bad =
            |field: &'static str, message: String| errors.push(FieldError { field, message });
        match checked(&self.effective_at, |raw| effective_at(raw, zone)) {
            Ok(to) => changes.extend(to.filter(|to| *to != case.effective_at).map(|to| {
                TicketChange::EffectiveAt {
                    from: case.effective_at,
                    to,
                }
            })),
            Err(message) => bad("effective_at", message),
        }
        match checked(&self.manager_email, EmailAddress::parse) {
            Ok(Some(None)) => bad(
                "manager_email",
                "is required: a case needs a manager".into(),
            ),
            Ok(Some(Some(to))) if to.same_mailbox(&case.person.email) => bad(
                "manager_email",
                "cannot be the leaver's own address: nobody approves their own offboarding".into(),
            ),
            Ok(Some(Some(to))) if to != case.manager_email => {
                changes.push(TicketChange::ManagerEmail {
                    from: case.manager_email.clone(),
                    to,
                })
            }
            Ok(_) => {}
            Err(message) => bad("manager_email", message),
        }
        let new_leaver = hub_username_change(&self.hub_username, case)
            .map_err(|message| bad("person.hub_username", message))
            .ok()
            .flatten();
        let leaver = new_leaver
            .clone()
            .or_else(|| case.person.hub_username.clone());
        if let (Some(to), Some(successor), Patch::Keep) =
            (&new_leaver, &case.successor, &self.successor)
            && to.is(successor.as_str())
        {
            bad(
                "person.hub_username",
                "cannot be the successor's: the successor takes over from the person who leaves"
                    .into(),
            );
        }
        match checked(&self.successor, HubUsername::parse) {
            Ok(Some(Some(to))) if leaver.as_ref().is_some_and(|l| l.is(to.as_str())) => {
                bad("successor", "cannot be the person who leaves".into())
            }
            Ok(Some(to)) if to != case.successor => changes.push(TicketChange::Successor {
                from: case.successor.clone(),
                to,
            }),
            Ok(_) => {}
            Err(message) => bad("successor", message),
        }
        match checked(&self.reason, free_text) {
            Ok(Some(to)) if to != case.reason => changes.push(TicketChange::Reason {
                from: case.reason.clone(),
                to,
            }),
            Ok(_) => {}
            Err(message) => bad("reason", message),
        }
        match checked(&self.name, free_text) {
            Ok(Some(to)) if to != case.person.name => changes.push(TicketChange::PersonName {
                from: case.person.name.clone(),
                to,
            }),
            Ok(_) => {}
            Err(message) => bad("person.name", message),
        }
        changes.extend(new_leaver.map(|to| TicketChange::HubUsername {
            from: case.person.hub_username.clone(),
            to,
        }));
        if errors.is_empty() {
            Ok(changes)
        } else {
            Err(errors)
        }
    }
}

/// The name a `person.hub_username` patch sets, if it changes: only on a case that awaits it
/// (once known it says whose access is taken away, and does not change); the same name again
/// changes nothing.
fn hub_username_change(patch: &Patch<String>, case: &Case) -> Result<Option<HubUsername>, String> {
    let to = match checked(patch, HubUsername::parse)? {
        None => return Ok(None),
        Some(None) => return Err("is required: it says whose access is taken away".into()),
        Some(Some(to)) => to,
    };
    match &case.person.hub_username {
        None => Ok(Some(to)),
        Some(known) if known.is(to.as_str()) => Ok(None),
        Some(_) => Err(
            "cannot be changed: it says whose access is taken away: cancel this case and open one for the right account"
                .into(),
        ),
    }
}

/// `None` to keep, `Some(None)` to clear (a blank value clears too), `Some(Some(v))` to set.
fn checked<T>(
    patch: &Patch<String>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<Option<T>>, String> {
    match patch {
        Patch::Keep => Ok(None),
        Patch::Clear => Ok(Some(None)),
        Patch::Set(raw) if raw.trim().is_empty() => Ok(Some(None)),
        Patch::Set(raw) => parse(raw).map(|v| Some(Some(v))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CaseId, Ticket, TicketInput};

    fn case() -> Case {
        let ticket = Ticket::parse(&TicketInput {
            external_id: Some("HR-1".into()),
            email: Some("bob@acme.test".into()),
            hub_username: Some("bob".into()),
            manager_email: Some("erin@acme.test".into()),
            successor: Some("carol".into()),
            ..TicketInput::default()
        })
        .expect("ticket");
        Case::open(CaseId::random(), &ticket, OffsetDateTime::UNIX_EPOCH)
    }

    fn set(value: &str) -> Patch<String> {
        Patch::Set(value.into())
    }

    #[test]
    fn a_patch_names_every_bad_field_at_once() {
        let patch = TicketPatch {
            effective_at: set("next tuesday"),
            manager_email: set("bob+boss@acme.test"),
            successor: set("bob"),
            reason: set("bad\u{202e}text"),
            name: set(&"n".repeat(600)),
            hub_username: set("eve"),
        };
        let fields: Vec<&str> = patch
            .check(&case())
            .expect_err("bad")
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "effective_at",
                "manager_email",
                "person.hub_username",
                "successor",
                "reason",
                "person.name"
            ]
        );
    }

    #[test]
    fn a_patch_changes_only_what_differs_and_remembers_what_it_replaces() {
        let patch = TicketPatch {
            effective_at: set("2026-12-08T09:00:00+01:00"),
            manager_email: set("erin@acme.test"),
            successor: Patch::Clear,
            reason: Patch::Keep,
            name: set("Bob B"),
            hub_username: set("BOB"),
        };
        let changes = patch.check(&case()).expect("good");
        let fields: Vec<&str> = changes.iter().map(TicketChange::field).collect();
        assert_eq!(
            fields,
            ["effective_at", "successor", "person.name"],
            "the same Hub username again is no change"
        );
        assert!(changes.iter().all(|c| c.replaces_current(&case())));
        assert_eq!(
            changes[1],
            TicketChange::Successor {
                from: Some(HubUsername::parse("carol").expect("name")),
                to: None
            }
        );
    }

    #[test]
    fn the_hub_username_is_set_only_on_a_case_that_awaits_it() {
        let mut waiting = case();
        waiting.person.hub_username = None;
        let patch = TicketPatch {
            hub_username: set("dave"),
            ..TicketPatch::default()
        };
        let changes = patch.check(&waiting).expect("set");
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field(), "person.hub_username");
        let same_as_successor = TicketPatch {
            hub_username: set("Carol"),
            ..TicketPatch::default()
        };
        let errors = same_as_successor.check(&waiting).expect_err("successor");
        assert_eq!(errors[0].field, "person.hub_username");
        let cleared = TicketPatch {
            hub_username: Patch::Clear,
            ..TicketPatch::default()
        };
        assert_eq!(
            cleared.check(&waiting).expect_err("required")[0].field,
            "person.hub_username"
        );
        let errors = patch.check(&case()).expect_err("known already");
        assert!(
            errors[0].message.contains("cannot be changed"),
            "{errors:?}"
        );
    }

    #[test]
    fn the_manager_cannot_be_cleared() {
        let patch = TicketPatch {
            manager_email: Patch::Clear,
            ..TicketPatch::default()
        };
        let errors = patch.check(&case()).expect_err("required");
        assert_eq!(errors[0].field, "manager_email");
    }
}
