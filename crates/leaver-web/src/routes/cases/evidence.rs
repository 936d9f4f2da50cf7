//! `GET /cases/{id}/evidence?format=json|csv|html`: one case's evidence for an auditor.

use crate::auth::CurrentOperator;
use crate::evidence::Scope;
use crate::evidence::export::Export;
use crate::evidence::render::Format;
use crate::views::PageError;
use crate::{AppError, AppState};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leaver_core::{CaseId, FieldError};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/cases/{id}/evidence", get(evidence))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct FormatQuery {
    pub format: Option<String>,
}

/// The requested format (JSON when not given).
pub(crate) fn format(query: Option<&str>) -> Result<Format, AppError> {
    query.unwrap_or("json").parse().map_err(|message| {
        AppError::Validation(vec![FieldError {
            field: "format",
            message,
        }])
    })
}

/// The export of `scope` as `format`, streamed, named `name.<ext>` for a save-as.
pub(crate) async fn respond(
    state: &AppState,
    scope: Scope,
    format: Format,
    name: &str,
) -> Result<Response, PageError> {
    let export = Export::start(state.store.clone(), state.reports.clone(), scope, format).await?;
    let disposition = format!("inline; filename=\"{name}.{}\"", format.extension());
    Ok((
        [
            (CONTENT_TYPE, format.content_type().to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        export.into_body(),
    )
        .into_response())
}

#[tracing::instrument(skip_all, fields(case_id = %id))]
async fn evidence(
    _operator: CurrentOperator,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<FormatQuery>,
) -> Result<Response, PageError> {
    let id: CaseId = id.parse().map_err(|_| AppError::NotFound)?;
    let format = format(query.format.as_deref())?;
    respond(&state, Scope::Case(id), format, &format!("evidence-{id}")).await
}
