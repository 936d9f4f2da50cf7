//! The operator's actions on a case, each a POST form (CSRF-checked) that records one event:
//! cancel, run now, retry a failed step, mark a manual step done.

use crate::auth::CsrfForm;
use crate::typed_text::typed_text;
use crate::views::PageError;
use crate::{AppError, AppState};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::post;
use leaver_core::{CaseId, Event, StepId};
use leaver_store::Actor;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/cancel", post(cancel))
        .route("/cases/{id}/run-now", post(run_now))
        .route("/cases/{id}/steps/{step}/retry", post(retry))
        .route("/cases/{id}/steps/{step}/manual-done", post(manual_done))
}

#[derive(Debug, Deserialize)]
struct Reason {
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Note {
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Empty {}

fn case_id(raw: &str) -> Result<CaseId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

fn step_id(raw: &str) -> Result<StepId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// Records `event` as the operator and goes back to the case with `notice`.
async fn act(
    state: &AppState,
    id: CaseId,
    email: &str,
    event: Event,
    notice: &str,
) -> Result<Redirect, PageError> {
    let actor = Actor::operator(email);
    let detail = json!({ "via": "web" });
    state
        .store
        .record(
            id,
            vec![event],
            &actor,
            detail,
            None,
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(Redirect::to(&format!("/cases/{id}?notice={notice}")))
}

async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, form }: CsrfForm<Reason>,
) -> Result<Redirect, PageError> {
    let reason = typed_text("reason", form.reason.as_deref())?
        .unwrap_or_else(|| "cancelled by an operator".into());
    let event = Event::Cancelled { reason };
    act(&state, case_id(&id)?, &operator.email, event, "cancelled").await
}

async fn run_now(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, .. }: CsrfForm<Empty>,
) -> Result<Redirect, PageError> {
    act(
        &state,
        case_id(&id)?,
        &operator.email,
        Event::RunNow,
        "run_now",
    )
    .await
}

async fn retry(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    CsrfForm { operator, .. }: CsrfForm<Empty>,
) -> Result<Redirect, PageError> {
    let event = Event::RetryRequested {
        step: step_id(&step)?,
    };
    act(&state, case_id(&id)?, &operator.email, event, "retry").await
}

async fn manual_done(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    CsrfForm { operator, form }: CsrfForm<Note>,
) -> Result<Redirect, PageError> {
    let Some(note) = typed_text("note", form.note.as_deref())? else {
        let message = "say what was done, for the record".into();
        return Err(AppError::Validation(vec![leaver_core::FieldError {
            field: "note",
            message,
        }])
        .into());
    };
    let event = Event::ManualDone {
        step: step_id(&step)?,
        note,
    };
    act(&state, case_id(&id)?, &operator.email, event, "manual_done").await
}
