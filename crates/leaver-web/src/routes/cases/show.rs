//! `GET /cases/{id}`: the person, the plan, each step with its state and the Hub's last error,
//! the drift linked to it, the case's audit timeline, and the operator's actions as POST forms
//! (with the steering of [`super::steering`]). [`page`] also serves the steering actions that
//! re-show the page with what was refused.

use super::steering_view::{SteeringView, TicketForm};
use crate::auth::CurrentOperator;
use crate::routes::dashboard::DriftRow;
use crate::views::{Chrome, Flash, PageError, when, when_ms};
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use leaver_core::audit::AuditRecord;
use leaver_core::{Case, CaseId, FieldError, StepId, StepState};
use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

pub fn router() -> Router<AppState> {
    Router::new().route("/cases/{id}", get(show))
}

/// One line of the case's timeline.
struct TimelineRow {
    seq: i64,
    at: String,
    actor: String,
    kind: String,
    /// The step it concerns (`strip_access org:acme-ai`) and what the record says (error, note).
    summary: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/show.html")]
pub(super) struct ShowPage {
    chrome: Chrome,
    flash: Option<Flash>,
    case: Case,
    timeline: Vec<TimelineRow>,
    /// Access that came back after this case completed (with its follow-up), or the case this
    /// one follows up.
    drift: Vec<DriftRow>,
    can_cancel: bool,
    can_run_now: bool,
    /// Changing the ticket, the successor, re-plan, skip, re-ask.
    steering: SteeringView,
    /// The raw tokens held for the case, by fingerprint (`cases/tokens.html`).
    held_tokens: Vec<leaver_app::model::HeldFingerprint>,
}

impl ShowPage {
    fn time(&self, t: &Option<OffsetDateTime>) -> String {
        t.map(when).unwrap_or_default()
    }
    fn failed(&self, state: &StepState) -> bool {
        *state == StepState::Failed
    }
    fn manual(&self, state: &StepState) -> bool {
        *state == StepState::WaitingManual
    }
    /// When Tokens Management was checked, as pages show times.
    fn tokens_ack_at(&self) -> String {
        self.case
            .tokens_ack
            .as_ref()
            .map(|a| when(a.at))
            .unwrap_or_default()
    }
}

#[derive(Debug, Default, Deserialize)]
struct Notice {
    notice: Option<String>,
    /// A re-plan's counts of steps added and skipped (read as numbers only).
    added: Option<String>,
    skipped: Option<String>,
}

/// The fixed notices the actions redirect with (never text from the query itself, only
/// numbers).
fn flash(notice: &Notice) -> Option<Flash> {
    let message = match notice.notice.as_deref()? {
        "replanned" => {
            let count = |n: &Option<String>| {
                n.as_deref()
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(0)
            };
            return Some(Flash::info(format!(
                "Planned again from a fresh read: {} step(s) added, {} skipped.",
                count(&notice.added),
                count(&notice.skipped)
            )));
        }
        "ticket_updated" => "Ticket changed: each change is in the timeline.",
        "ticket_unchanged" => "Nothing to change: the ticket already says that.",
        "successor" => {
            "Successor named: the case is planned again, or the approvers asked again about promoting them."
        }
        "skipped" => "Step skipped: it will not run.",
        "reasked" => "The rejected steps are put to the approvers again.",
        "opened" => "Case opened: it is being planned.",
        "cancelled" => "Case cancelled.",
        "retry" => "The step will be tried again.",
        "run_now" => "The case runs now, without waiting for its effective time.",
        "manual_done" => "Noted: the step is checked against the Hub.",
        "tokens_held" => {
            "Tokens held, listed below by fingerprint only: the tokens step revokes those the Hub says are the leaver's."
        }
        "tokens_acknowledged" => "Recorded: Tokens Management checked.",
        _ => return None,
    };
    Some(Flash::info(message))
}

fn timeline_row(case: &Case, record: &AuditRecord) -> TimelineRow {
    let data = &record.data;
    let step = data
        .pointer("/event/step")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<StepId>().ok())
        .and_then(|id| case.step(id))
        .map(|s| format!("{} {}", s.kind, s.target));
    let said = [
        "/event/error",
        "/event/note",
        "/event/reason",
        "/event/instructions",
        "/detail/note",
    ]
    .iter()
    .find_map(|p| data.pointer(p).and_then(Value::as_str));
    let summary = [step.as_deref(), said]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(": ");
    TimelineRow {
        seq: record.seq,
        at: when_ms(record.at_ms),
        actor: record.actor.clone(),
        kind: record.kind.clone(),
        summary,
    }
}

#[tracing::instrument(skip_all, fields(case_id = %id))]
async fn show(
    operator: CurrentOperator,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Result<ShowPage, PageError> {
    let id: CaseId = id.parse().map_err(|_| AppError::NotFound)?;
    page(&state, &operator, id, flash(&notice), None, &[]).await
}

/// The page of case `id`, with `flash`; `posted` is a ticket form sent back with `errors`.
pub(super) async fn page(
    state: &AppState,
    operator: &CurrentOperator,
    id: CaseId,
    flash: Option<Flash>,
    posted: Option<&TicketForm>,
    errors: &[FieldError],
) -> Result<ShowPage, PageError> {
    let (case, records) = state.app.case_with_trail(id).await?;
    let drift = state.app.drift_of(id).await?;
    let held_tokens = state.app.held_fingerprints(id).await?;
    let now = state.app.now();
    let timeline = records
        .iter()
        .rev()
        .map(|r| timeline_row(&case, r))
        .collect();
    let steering = SteeringView::of(state, &case, posted, errors).await;
    Ok(ShowPage {
        chrome: Chrome::from(operator),
        flash,
        can_cancel: !case.state.is_closed(),
        can_run_now: !case.state.is_closed()
            && !case.run_now
            && case.effective_at.is_some_and(|t| t > now),
        case,
        timeline,
        drift: drift.into_iter().map(DriftRow::from).collect(),
        steering,
        held_tokens,
    })
}
