//! Acting on the reconciliation: dismiss a row with a reason (audited), or open cases for the
//! selected rows through the CSV import's path: the same checked tickets, a preview first
//! ([`Leaver::roster_open_preview`]), then [`Leaver::import`].
//!
//! A case's ticket comes from the row: `external_id` `ROSTER-<username>-<YYYYMMDD>`, the
//! roster's email and manager (the manager given with the selection when the roster has none),
//! the row's finding as the reason. A row whose person has no email on the roster (an orphan)
//! is refused naming `email`: open that case from the new-case form.

use crate::import::{GoodRow, Preview, error};
use crate::{Error, Leaver, Result};
use leaver_core::roster::FindingKind;
use leaver_core::{Ticket, TicketInput};
use leaver_store::Actor;
use leaver_store::roster::{Dismissal, RosterStore};
use std::collections::HashSet;

/// A row's name as forms send it: `org|kind|subject`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RowKey {
    pub org: String,
    pub kind: FindingKind,
    pub subject: String,
}

impl RowKey {
    /// Reads `org|kind|subject`, or says what is wrong naming `row`.
    pub fn parse(raw: &str) -> Result<RowKey> {
        let mut parts = raw.splitn(3, '|');
        let (Some(org), Some(kind), Some(subject)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::invalid(
                "row",
                format!("{raw:?} is not org|kind|subject"),
            ));
        };
        let kind = FindingKind::parse(kind)
            .ok_or_else(|| Error::invalid("kind", format!("{kind:?} is not a kind of finding")))?;
        Ok(RowKey {
            org: org.to_owned(),
            kind,
            subject: subject.to_owned(),
        })
    }
}

/// What opening cases for a selection would do.
#[derive(Clone, Debug, Default)]
pub struct BulkOpen {
    /// The checked tickets (one per person, however many rows name them), and the problems
    /// by position in the selection (line 1 is the first selected row).
    pub preview: Preview,
}

impl Leaver {
    /// Dismisses a row with `reason` (required), audited. A row already dismissed is a conflict.
    pub async fn dismiss_roster_row(
        &self,
        key: &RowKey,
        reason: &str,
        actor: &Actor,
    ) -> Result<Dismissal> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid(
                "reason",
                "is required: say why this row may stay",
            ));
        }
        if reason.chars().count() > 500 {
            return Err(Error::invalid("reason", "is longer than 500 characters"));
        }
        let dismissal = Dismissal {
            org: key.org.clone(),
            kind: key.kind,
            subject: key.subject.clone(),
            reason: reason.to_owned(),
            dismissed_by: actor.as_str().to_owned(),
            dismissed_at: self.now(),
        };
        if !self.store.dismiss_finding(&dismissal).await? {
            return Err(Error::Conflict(format!(
                "{}|{}|{} is already dismissed",
                key.org,
                key.kind.as_str(),
                key.subject
            )));
        }
        Ok(dismissal)
    }

    /// The tickets the selected rows would open, checked as a CSV import's rows are; nothing is
    /// written. `manager` is used for people the roster gives no manager.
    pub async fn roster_open_preview(
        &self,
        selected: &[String],
        manager: Option<&str>,
    ) -> Result<BulkOpen> {
        let report = self.roster_report().await?;
        let day = self.now().date();
        let stamp = format!(
            "{:04}{:02}{:02}",
            day.year(),
            u8::from(day.month()),
            day.day()
        );
        let mut preview = Preview::default();
        let mut people = HashSet::new();
        for (n, raw) in selected.iter().enumerate() {
            let line = n as u64 + 1;
            preview.rows += 1;
            let row = RowKey::parse(raw).ok().and_then(|key| {
                report.rows.iter().find(|r| {
                    r.finding.org == key.org
                        && r.finding.kind == key.kind
                        && r.finding.subject == key.subject
                })
            });
            let Some(row) = row else {
                preview.errors.push(error(
                    line,
                    "row",
                    format!("{raw} is not a row of the report now"),
                ));
                continue;
            };
            let f = &row.finding;
            let Some(user) = f
                .hub_username
                .as_deref()
                .filter(|_| f.kind.is_about_a_leaver())
            else {
                preview.errors.push(error(
                    line,
                    "kind",
                    format!("no case can be opened for a {} row", f.kind.as_str()),
                ));
                continue;
            };
            if !people.insert(user.to_ascii_lowercase()) {
                continue;
            }
            let input = TicketInput {
                external_id: Some(format!("ROSTER-{user}-{stamp}")),
                email: f.email.clone(),
                name: None,
                hub_username: Some(user.to_owned()),
                manager_email: f.manager_email.clone().or(manager.map(str::to_owned)),
                successor: None,
                effective_at: None,
                reason: Some(format!(
                    "roster {}: {}",
                    f.kind.as_str(),
                    f.detail.chars().take(200).collect::<String>()
                )),
            };
            match Ticket::parse_in(&input, &self.settings.zone()) {
                Ok(ticket) => preview.good.push(GoodRow { line, ticket, run_now: false }),
                Err(fields) => preview.errors.extend(fields.into_iter().map(|e| {
                    let message = match (e.field, f.email.is_none()) {
                        ("email", true) => format!("{user} has no email on the roster: open this case from the new-case form"),
                        _ => e.message,
                    };
                    error(line, e.field, message)
                })),
            }
        }
        Ok(BulkOpen { preview })
    }
}
