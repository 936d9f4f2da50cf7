//! `GET /cases/{id}/evidence?format=json|csv|html`: one case's evidence for an auditor.

use crate::auth::CurrentOperator;
use crate::views::PageError;
use crate::{AppError, AppState};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leaver_app::evidence::Scope;
use leaver_app::evidence::export::Export;
use leaver_app::evidence::render::Format;
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
    let export = state.app.export(scope, format).await?;
    let disposition = format!("inline; filename=\"{name}.{}\"", format.extension());
    Ok((
        [
            (CONTENT_TYPE, format.content_type().to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        body(export),
    )
        .into_response())
}

/// The export as a response body, written piece by piece as the client reads it. A failure
/// halfway (the answer's status is long sent) is logged and cuts the body short.
fn body(export: Export) -> Body {
    Body::from_stream(futures_util::stream::try_unfold(
        export,
        |mut export| async move {
            match export.next_piece().await {
                Ok(piece) => Ok(piece.map(|piece| (piece, export))),
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "evidence export failed");
                    Err(error)
                }
            }
        },
    ))
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
