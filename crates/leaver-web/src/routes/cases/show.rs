//! `GET /cases/{id}`: the person, the plan, each step with its state and the Hub's last error,
//! the drift linked to it, the case's audit timeline, and the operator's actions as POST forms.

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
use leaver_core::{Case, CaseId, StepId, StepState};
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
struct ShowPage {
    chrome: Chrome,
    flash: Option<Flash>,
    case: Case,
    timeline: Vec<TimelineRow>,
    /// Access that came back after this case completed (with its follow-up), or the case this
    /// one follows up.
    drift: Vec<DriftRow>,
    can_cancel: bool,
    can_run_now: bool,
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
}

#[derive(Debug, Default, Deserialize)]
struct Notice {
    notice: Option<String>,
}

/// The fixed notices the actions redirect with (never text from the query itself).
fn flash(code: Option<&str>) -> Option<Flash> {
    let message = match code? {
        "opened" => "Case opened: it is being planned.",
        "cancelled" => "Case cancelled.",
        "retry" => "The step will be tried again.",
        "run_now" => "The case runs now, without waiting for its effective time.",
        "manual_done" => "Noted: the step is checked against the Hub.",
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
    let (case, records) = state.app.case_with_trail(id).await?;
    let drift = state.app.drift_of(id).await?;
    let now = state.app.now();
    let timeline = records
        .iter()
        .rev()
        .map(|r| timeline_row(&case, r))
        .collect();
    Ok(ShowPage {
        chrome: Chrome::from(&operator),
        flash: flash(notice.notice.as_deref()),
        can_cancel: !case.state.is_closed(),
        can_run_now: !case.state.is_closed()
            && !case.run_now
            && case.effective_at.is_some_and(|t| t > now),
        case,
        timeline,
        drift: drift.into_iter().map(DriftRow::from).collect(),
    })
}
