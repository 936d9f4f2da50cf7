//! What the case page shows for steering a case (`templates/cases/steering*.html`): the
//! "change the ticket" form, the successor choice, the re-plan button, the rejected steps with
//! the approvers' reasons, and which steps may be skipped. Computed from the case alone, except
//! the successor candidates, read from the engine's org index only when the case needs one.
//!
//! The ticket form is prefilled with the case's values and carries each value it showed in a
//! hidden `shown_<field>` input. A field sent as it was shown means "keep" (so a form rendered
//! before an API PATCH does not undo it); a field the operator changed is set, and a field
//! the operator emptied is cleared (the manager cannot be: the core names the field).

use crate::AppState;
use leaver_app::steering::Candidate;
use leaver_core::input::Zone;
use leaver_core::{Case, Patch, Step, StepKind, StepState, TicketPatch};
use serde::Deserialize;
use time::macros::format_description;

/// The "change the ticket" form as posted (every field optional: a field not sent is kept).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct TicketForm {
    effective_at: Option<String>,
    manager_email: Option<String>,
    successor: Option<String>,
    reason: Option<String>,
    name: Option<String>,
    hub_username: Option<String>,
    shown_effective_at: Option<String>,
    shown_manager_email: Option<String>,
    shown_successor: Option<String>,
    shown_reason: Option<String>,
    shown_name: Option<String>,
    shown_hub_username: Option<String>,
}

/// One field: sent as shown (or not sent) keeps; otherwise set (blank clears).
fn patch(sent: &Option<String>, shown: &Option<String>) -> Patch<String> {
    match (sent, shown) {
        (None, _) => Patch::Keep,
        (Some(sent), Some(shown)) if sent.trim() == shown.trim() => Patch::Keep,
        (Some(sent), _) => Patch::Set(sent.clone()),
    }
}

impl TicketForm {
    /// The patch the form asks for, by the rule in the module's header.
    pub(super) fn patch(&self) -> TicketPatch {
        TicketPatch {
            effective_at: patch(&self.effective_at, &self.shown_effective_at),
            manager_email: patch(&self.manager_email, &self.shown_manager_email),
            successor: patch(&self.successor, &self.shown_successor),
            reason: patch(&self.reason, &self.shown_reason),
            name: patch(&self.name, &self.shown_name),
            hub_username: patch(&self.hub_username, &self.shown_hub_username),
        }
    }

    /// The form filled with `case`'s values; the effective time as a date-time input shows it,
    /// on the clock of `zone` (which is how the server reads it back).
    fn of(case: &Case, zone: &Zone) -> TicketForm {
        let effective_at = case
            .effective_at
            .and_then(|t| {
                zone.show(t)
                    .format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
                    .ok()
            })
            .unwrap_or_default();
        let values = [
            effective_at,
            case.manager_email.to_string(),
            case.successor
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            case.reason.clone().unwrap_or_default(),
            case.person.name.clone().unwrap_or_default(),
            case.person
                .hub_username
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ]
        .map(Some);
        let [
            effective_at,
            manager_email,
            successor,
            reason,
            name,
            hub_username,
        ] = values;
        TicketForm {
            shown_effective_at: effective_at.clone(),
            shown_manager_email: manager_email.clone(),
            shown_successor: successor.clone(),
            shown_reason: reason.clone(),
            shown_name: name.clone(),
            shown_hub_username: hub_username.clone(),
            effective_at,
            manager_email,
            successor,
            reason,
            name,
            hub_username,
        }
    }
}

/// One input of the ticket form.
pub struct TicketField {
    /// The form's name for it.
    pub name: &'static str,
    pub label: String,
    /// The input's type (`datetime-local` for the effective time).
    pub kind: &'static str,
    pub value: String,
    /// The value the page showed (hidden `shown_<name>`).
    pub shown: String,
    /// What is wrong with it, naming the field as the API does.
    pub error: Option<String>,
}

/// A rejected step and the approver's reason.
pub struct Rejection {
    pub step: String,
    pub reason: String,
}

/// Everything the steering parts of the case page read.
pub struct SteeringView {
    /// The ticket may change: the case is open and has not begun writing to the Hub.
    pub can_change_ticket: bool,
    pub ticket: Vec<TicketField>,
    /// The case waits for a successor (blocked, or a promotion not yet run).
    pub needs_successor: bool,
    pub candidates: Vec<Candidate>,
    /// The successor the ticket names now (blank: none).
    pub successor: String,
    /// Why the candidates could not be listed.
    pub candidates_error: Option<String>,
    pub can_replan: bool,
    pub rejected: Vec<Rejection>,
    closed: bool,
}

/// (form name, label, API field name)
const FIELDS: [(&str, &str, &str); 6] = [
    ("effective_at", "Effective at", "effective_at"),
    (
        "manager_email",
        "Manager's email (approves the plan)",
        "manager_email",
    ),
    (
        "successor",
        "Successor admin (Hub username; blank: none)",
        "successor",
    ),
    ("reason", "Reason", "reason"),
    ("name", "Full name", "person.name"),
    (
        "hub_username",
        "Hub username (the case waits for it; once set it does not change)",
        "person.hub_username",
    ),
];

impl SteeringView {
    /// The view of `case`; `posted` is a ticket form sent back with `errors` (field, message).
    pub(super) async fn of(
        state: &AppState,
        case: &Case,
        posted: Option<&TicketForm>,
        errors: &[leaver_core::FieldError],
    ) -> SteeringView {
        let closed = case.state.is_closed();
        let before_writes = !closed && case.first_write().is_none();
        let needs_successor = before_writes
            && (case.blocked_reason.is_some()
                || case.steps.iter().any(|s| {
                    s.kind == StepKind::ReassignLastAdmin
                        && !matches!(
                            s.state,
                            StepState::Running | StepState::Succeeded | StepState::Skipped
                        )
                }));
        let (candidates, candidates_error) = match needs_successor {
            false => (Vec::new(), None),
            true => match state.app.successor_candidates(case).await {
                Ok(found) => (found, None),
                Err(error) => (Vec::new(), Some(error.to_string())),
            },
        };
        SteeringView {
            can_change_ticket: before_writes,
            ticket: ticket_fields(case, posted, errors, &state.app.zone()),
            needs_successor,
            candidates,
            candidates_error,
            successor: case
                .successor
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            can_replan: before_writes && (!case.steps.is_empty() || case.blocked_reason.is_some()),
            rejected: case
                .steps
                .iter()
                .filter(|s| s.state == StepState::Rejected)
                .map(|s| Rejection {
                    step: format!("{} {}", s.kind, s.target),
                    reason: s.note.clone().unwrap_or_default(),
                })
                .collect(),
            closed,
        }
    }

    /// Whether an operator may skip `step` (with a reason): it has not run, and it is not one of
    /// the reads of the Hub.
    pub fn skippable(&self, step: &Step) -> bool {
        !self.closed
            && !step.kind.reads_footprint()
            && !matches!(
                step.state,
                StepState::Running | StepState::Succeeded | StepState::Skipped
            )
    }

    /// Whether `step` was rejected by an approver.
    pub fn rejected_step(&self, step: &Step) -> bool {
        step.state == StepState::Rejected
    }

    /// Whether the page shows the attention banner.
    pub fn attention(&self, case: &Case) -> bool {
        !self.closed && (case.blocked_reason.is_some() || !self.rejected.is_empty())
    }
}

fn ticket_fields(
    case: &Case,
    posted: Option<&TicketForm>,
    errors: &[leaver_core::FieldError],
    zone: &Zone,
) -> Vec<TicketField> {
    let current = TicketForm::of(case, zone);
    let none = TicketForm::default();
    let sent = posted.unwrap_or(&none);
    // What was sent back, else the case's own value, for each field.
    let pick = |sent: &Option<String>, current: &Option<String>| {
        sent.clone().or_else(|| current.clone()).unwrap_or_default()
    };
    let values = [
        pick(&sent.effective_at, &current.effective_at),
        pick(&sent.manager_email, &current.manager_email),
        pick(&sent.successor, &current.successor),
        pick(&sent.reason, &current.reason),
        pick(&sent.name, &current.name),
        pick(&sent.hub_username, &current.hub_username),
    ];
    let shown_values = [
        pick(&sent.shown_effective_at, &current.shown_effective_at),
        pick(&sent.shown_manager_email, &current.shown_manager_email),
        pick(&sent.shown_successor, &current.shown_successor),
        pick(&sent.shown_reason, &current.shown_reason),
        pick(&sent.shown_name, &current.shown_name),
        pick(&sent.shown_hub_username, &current.shown_hub_username),
    ];
    FIELDS
        .iter()
        .zip(values.into_iter().zip(shown_values))
        // The Hub username is asked for only while the case waits for it.
        .filter(|((name, _, _), _)| *name != "hub_username" || case.awaits_hub_username())
        .map(|(&(name, label, field), (value, shown))| TicketField {
            name,
            label: match name {
                "effective_at" => format!("{label} ({zone}; blank: immediately)"),
                _ => label.to_owned(),
            },
            kind: match name {
                "effective_at" => "datetime-local",
                _ => "text",
            },
            value,
            shown,
            error: errors
                .iter()
                .find(|e| e.field == field)
                .map(ToString::to_string),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(sent: Option<&str>, shown: Option<&str>) -> Patch<String> {
        patch(&sent.map(Into::into), &shown.map(Into::into))
    }

    #[test]
    fn a_field_sent_as_shown_keeps_and_a_changed_or_emptied_one_sets() {
        assert_eq!(form(None, Some("a")), Patch::Keep);
        assert_eq!(form(Some("a "), Some("a")), Patch::Keep);
        assert_eq!(form(Some("b"), Some("a")), Patch::Set("b".into()));
        assert_eq!(form(Some(""), Some("a")), Patch::Set(String::new()));
        assert_eq!(form(Some("b"), None), Patch::Set("b".into()));
    }
}
