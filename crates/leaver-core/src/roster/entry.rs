//! One person of the roster: who they are (email, Hub username), whether they still work here
//! (`active` or `terminated`), since when not, and their manager. Parsed from text (a CSV row,
//! a SCIM user) with every bad field named.

use crate::{EmailAddress, FieldError, HubUsername};
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

/// Whether the person still works here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterStatus {
    Active,
    Terminated,
}

impl RosterStatus {
    /// The name the CSV and the database use.
    pub fn as_str(self) -> &'static str {
        match self {
            RosterStatus::Active => "active",
            RosterStatus::Terminated => "terminated",
        }
    }

    /// Reads `active` or `terminated` (any case).
    pub fn parse(raw: &str) -> Result<RosterStatus, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "active" => Ok(RosterStatus::Active),
            "terminated" => Ok(RosterStatus::Terminated),
            other => Err(format!("must be active or terminated, not {other:?}")),
        }
    }
}

/// Where an entry comes from: the imported CSV, or a user the IdP pushed over SCIM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterSource {
    Csv,
    Scim,
}

/// One person of the roster, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub email: EmailAddress,
    /// Absent for people with no Hub account (they cannot be matched to one).
    pub hub_username: Option<HubUsername>,
    pub status: RosterStatus,
    /// The last day, when known.
    pub end_date: Option<Date>,
    pub manager_email: Option<EmailAddress>,
    pub source: RosterSource,
}

/// A roster row as text, before checking (CSV cells or SCIM attributes).
#[derive(Clone, Debug, Default)]
pub struct RosterEntryInput {
    pub email: Option<String>,
    pub hub_username: Option<String>,
    pub status: Option<String>,
    pub end_date: Option<String>,
    pub manager_email: Option<String>,
}

/// `Some(trimmed)` unless empty.
fn given(cell: &Option<String>) -> Option<&str> {
    cell.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl RosterEntry {
    /// Checks `input`, naming every bad field: `email` and `status` are required, `end_date`
    /// reads `YYYY-MM-DD`.
    pub fn parse(
        input: &RosterEntryInput,
        source: RosterSource,
    ) -> Result<RosterEntry, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field: &'static str, message: String| {
            errors.push(FieldError { field, message });
        };
        let email = match given(&input.email) {
            None => {
                fail("email", "is required".into());
                None
            }
            Some(raw) => EmailAddress::parse(raw).map_err(|e| fail("email", e)).ok(),
        };
        let hub_username = given(&input.hub_username).and_then(|raw| {
            HubUsername::parse(raw)
                .map_err(|e| fail("hub_username", e))
                .ok()
        });
        let status = match given(&input.status) {
            None => {
                fail("status", "is required (active or terminated)".into());
                None
            }
            Some(raw) => RosterStatus::parse(raw).map_err(|e| fail("status", e)).ok(),
        };
        let end_date = given(&input.end_date).and_then(|raw| {
            Date::parse(raw, format_description!("[year]-[month]-[day]"))
                .map_err(|_| {
                    fail(
                        "end_date",
                        format!("must be a date like 2026-12-31, not {raw:?}"),
                    )
                })
                .ok()
        });
        let manager_email = given(&input.manager_email).and_then(|raw| {
            EmailAddress::parse(raw)
                .map_err(|e| fail("manager_email", e))
                .ok()
        });
        match (email, status) {
            (Some(email), Some(status)) if errors.is_empty() => Ok(RosterEntry {
                email,
                hub_username,
                status,
                end_date,
                manager_email,
                source,
            }),
            _ => Err(errors),
        }
    }

    /// Whether this entry is `user` on the Hub (compared as the Hub compares names).
    pub fn is_user(&self, user: &str) -> bool {
        self.hub_username.as_ref().is_some_and(|u| u.is(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(email: &str, user: &str, status: &str, end: &str, manager: &str) -> RosterEntryInput {
        let cell = |s: &str| Some(s.to_owned());
        RosterEntryInput {
            email: cell(email),
            hub_username: cell(user),
            status: cell(status),
            end_date: cell(end),
            manager_email: cell(manager),
        }
    }

    #[test]
    fn a_good_row_is_read() {
        let entry = RosterEntry::parse(
            &input(
                "Bob@ACME.test",
                "bob",
                "Terminated",
                "2026-11-30",
                "carol@acme.test",
            ),
            RosterSource::Csv,
        )
        .expect("good");
        assert_eq!(entry.status, RosterStatus::Terminated);
        assert!(entry.is_user("BOB"));
        assert_eq!(entry.end_date, Some(time::macros::date!(2026 - 11 - 30)));
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = RosterEntry::parse(
            &input("nope", "-x", "gone", "30/11/2026", "m@"),
            RosterSource::Csv,
        )
        .expect_err("bad");
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "email",
                "hub_username",
                "status",
                "end_date",
                "manager_email"
            ]
        );
    }

    #[test]
    fn email_and_status_are_required_the_rest_is_not() {
        let errors =
            RosterEntry::parse(&RosterEntryInput::default(), RosterSource::Csv).expect_err("bad");
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "status"]);
        let ok = RosterEntry::parse(
            &input("a@acme.test", "", "active", "", ""),
            RosterSource::Scim,
        );
        assert!(ok.is_ok_and(|e| e.hub_username.is_none()));
    }
}
