//! `POST /cases/{id}/confirm-nothing-held`: the case page's button for a leaver Leaver found in
//! none of the managed orgs. The operator confirms that nothing is held; the tokens step and the
//! verifying read go ahead (`templates/cases/confirm_empty.html`).

use crate::auth::CsrfForm;
use crate::views::PageError;
use crate::{AppError, AppState};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::post;
use leaver_app::model::Actor;
use leaver_core::CaseId;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/cases/{id}/confirm-nothing-held", post(confirm))
}

#[derive(Debug, Deserialize)]
struct Empty {}

async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, .. }: CsrfForm<Empty>,
) -> Result<Redirect, PageError> {
    let id: CaseId = id.parse().map_err(|_| AppError::NotFound)?;
    state
        .app
        .confirm_nothing_held(id, &Actor::operator(&operator.email))
        .await?;
    Ok(Redirect::to(&format!("/cases/{id}")))
}
