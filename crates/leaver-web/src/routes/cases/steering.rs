//! The operator steering a case from its page, each a CSRF-checked POST calling one use case:
//! change the ticket (`update_case`), name the successor (`update_case` with only the
//! successor), plan again from a fresh read (`replan`), skip a step with a reason
//! (`skip_step`), ask the approvers again after a rejection (`reask`). Done: back to the case
//! with a notice. Refused: the case page again, with what was refused and why (bad fields
//! named, 422; not possible now, 409; the Hub unreadable, 503), nothing changed.

use super::show::page;
use super::steering_view::TicketForm;
use crate::auth::{CsrfForm, CurrentOperator};
use crate::views::{Flash, PageError};
use crate::{AppError, AppState};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use leaver_app::Error;
use leaver_app::model::Actor;
use leaver_core::{CaseId, Patch, StepId, TicketPatch};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/update", post(update))
        .route("/cases/{id}/successor", post(successor))
        .route("/cases/{id}/replan", post(replan))
        .route("/cases/{id}/steps/{step}/skip", post(skip))
        .route("/cases/{id}/reask", post(reask))
}

#[derive(Debug, Deserialize)]
struct SuccessorForm {
    successor: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Reason {
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Empty {}

fn case_id(raw: &str) -> Result<CaseId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

fn done(id: CaseId, notice: &str) -> Response {
    Redirect::to(&format!("/cases/{id}?notice={notice}")).into_response()
}

/// The case page again, saying why `error` refused the action; `posted` is the ticket form to
/// show back with its bad fields.
async fn refused(
    state: &AppState,
    operator: &CurrentOperator,
    id: CaseId,
    error: Error,
    posted: Option<&TicketForm>,
) -> Result<Response, PageError> {
    let (status, message, fields) = match error {
        Error::Invalid(fields) => {
            let named: Vec<String> = fields.iter().map(ToString::to_string).collect();
            let message = format!("Nothing changed: {}.", named.join("; "));
            (StatusCode::UNPROCESSABLE_ENTITY, message, fields)
        }
        Error::Conflict(m) => (
            StatusCode::CONFLICT,
            format!("Not possible now: {m}"),
            vec![],
        ),
        Error::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, m, vec![]),
        other => return Err(other.into()),
    };
    let html = page(
        state,
        operator,
        id,
        Some(Flash::error(message)),
        posted,
        &fields,
    )
    .await?;
    Ok((status, html).into_response())
}

#[tracing::instrument(skip_all, fields(case_id = %id))]
async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, form }: CsrfForm<TicketForm>,
) -> Result<Response, PageError> {
    let id = case_id(&id)?;
    let patch = form.patch();
    let before = state.app.case(id).await?;
    let unchanged = patch.check(&before).is_ok_and(|c| c.is_empty());
    let actor = Actor::operator(&operator.email);
    match state.app.update_case(id, &patch, &actor).await {
        Ok(_) if unchanged => Ok(done(id, "ticket_unchanged")),
        Ok(_) => Ok(done(id, "ticket_updated")),
        Err(error) => refused(&state, &operator, id, error, Some(&form)).await,
    }
}

#[tracing::instrument(skip_all, fields(case_id = %id))]
async fn successor(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, form }: CsrfForm<SuccessorForm>,
) -> Result<Response, PageError> {
    let id = case_id(&id)?;
    let Some(chosen) = form.successor.filter(|s| !s.trim().is_empty()) else {
        let missing = Error::invalid("successor", "choose the person to promote");
        return refused(&state, &operator, id, missing, None).await;
    };
    let patch = TicketPatch {
        successor: Patch::Set(chosen),
        ..TicketPatch::default()
    };
    let actor = Actor::operator(&operator.email);
    match state.app.update_case(id, &patch, &actor).await {
        Ok(_) => Ok(done(id, "successor")),
        Err(error) => refused(&state, &operator, id, error, None).await,
    }
}

#[tracing::instrument(skip_all, fields(case_id = %id))]
async fn replan(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, .. }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let id = case_id(&id)?;
    let actor = Actor::operator(&operator.email);
    match state.app.replan(id, &actor).await {
        Ok(r) => Ok(Redirect::to(&format!(
            "/cases/{id}?notice=replanned&added={}&skipped={}",
            r.added, r.skipped
        ))
        .into_response()),
        Err(error) => refused(&state, &operator, id, error, None).await,
    }
}

#[tracing::instrument(skip_all, fields(case_id = %id))]
async fn skip(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    CsrfForm { operator, form }: CsrfForm<Reason>,
) -> Result<Response, PageError> {
    let id = case_id(&id)?;
    let step: StepId = step.parse().map_err(|_| AppError::NotFound)?;
    let actor = Actor::operator(&operator.email);
    match state
        .app
        .skip_step(id, step, form.reason.as_deref(), &actor)
        .await
    {
        Ok(_) => Ok(done(id, "skipped")),
        Err(error) => refused(&state, &operator, id, error, None).await,
    }
}

#[tracing::instrument(skip_all, fields(case_id = %id))]
async fn reask(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, .. }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let id = case_id(&id)?;
    let actor = Actor::operator(&operator.email);
    match state.app.reask(id, &actor).await {
        Ok(_) => Ok(done(id, "reasked")),
        Err(error) => refused(&state, &operator, id, error, None).await,
    }
}
