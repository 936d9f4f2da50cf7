//! The operator's actions on a case, each a POST form (CSRF-checked) that calls one use case:
//! cancel, run now, retry a failed step, mark a manual step done.

use crate::auth::CsrfForm;
use crate::views::PageError;
use crate::{AppError, AppState};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::post;
use leaver_app::model::Actor;
use leaver_core::{CaseId, StepId};
use serde::Deserialize;

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

/// Back to the case, with `notice`.
fn back(id: CaseId, notice: &str) -> Redirect {
    Redirect::to(&format!("/cases/{id}?notice={notice}"))
}

async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, form }: CsrfForm<Reason>,
) -> Result<Redirect, PageError> {
    let id = case_id(&id)?;
    let actor = Actor::operator(&operator.email);
    state.app.cancel(id, form.reason.as_deref(), &actor).await?;
    Ok(back(id, "cancelled"))
}

async fn run_now(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, .. }: CsrfForm<Empty>,
) -> Result<Redirect, PageError> {
    let id = case_id(&id)?;
    state
        .app
        .run_now(id, &Actor::operator(&operator.email))
        .await?;
    Ok(back(id, "run_now"))
}

async fn retry(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    CsrfForm { operator, .. }: CsrfForm<Empty>,
) -> Result<Redirect, PageError> {
    let (id, step) = (case_id(&id)?, step_id(&step)?);
    let actor = Actor::operator(&operator.email);
    state.app.retry_step(id, step, &actor).await?;
    Ok(back(id, "retry"))
}

async fn manual_done(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    CsrfForm { operator, form }: CsrfForm<Note>,
) -> Result<Redirect, PageError> {
    let (id, step) = (case_id(&id)?, step_id(&step)?);
    let actor = Actor::operator(&operator.email);
    state
        .app
        .mark_manual_done(id, step, form.note.as_deref(), &actor)
        .await?;
    Ok(back(id, "manual_done"))
}
