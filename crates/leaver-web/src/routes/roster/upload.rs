//! `POST /roster/preview` (multipart: `file` or pasted `text`, and `csrf`): a roster file
//! checked row by row, nothing written; `POST /roster/import` (the file again): made the
//! roster, replacing the previous import, or the preview again when it has errors.

use crate::AppError;
use crate::AppState;
use crate::auth::csrf::check;
use crate::auth::{CsrfForm, CurrentOperator};
use crate::routes::import::upload::{read_upload, refused};
use crate::views::{Chrome, PageError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use leaver_app::import::{ERRORS_SHOWN, RowError};
use leaver_app::model::Actor;
use leaver_app::roster::RosterPreview;
use leaver_app::roster::import::preview;
use leaver_core::roster::RosterEntry;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/roster/preview", post(submit))
        .route("/roster/import", post(import))
}

#[derive(Template, WebTemplate)]
#[template(path = "roster/preview.html")]
struct PreviewPage {
    chrome: Chrome,
    summary: String,
    errors: Vec<RowError>,
    more_errors: usize,
    entries: Vec<RosterEntry>,
    csv: String,
}

impl PreviewPage {
    fn new(chrome: Chrome, checked: RosterPreview, csv: String) -> PreviewPage {
        let summary = checked.summary();
        let mut errors = checked.errors;
        let more_errors = errors.len().saturating_sub(ERRORS_SHOWN);
        errors.truncate(ERRORS_SHOWN);
        PreviewPage {
            chrome,
            summary,
            errors,
            more_errors,
            entries: checked.entries,
            csv,
        }
    }
}

#[tracing::instrument(skip_all)]
async fn submit(
    operator: CurrentOperator,
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<PreviewPage, PageError> {
    let (csv, csrf) = read_upload(multipart).await?;
    check(&headers, &state, csrf.as_deref(), &operator.csrf)?;
    if csv.trim().is_empty() {
        return Err(AppError::BadRequest("choose a CSV file or paste its text".into()).into());
    }
    let checked = preview(csv.as_bytes()).map_err(refused)?;
    Ok(PreviewPage::new(Chrome::from(&operator), checked, csv))
}

#[derive(Debug, Deserialize)]
struct ImportForm {
    csv: String,
}

#[tracing::instrument(skip_all)]
async fn import(
    State(state): State<AppState>,
    CsrfForm { operator, form }: CsrfForm<ImportForm>,
) -> Result<Response, PageError> {
    let checked = preview(form.csv.as_bytes()).map_err(refused)?;
    if !checked.errors.is_empty() {
        return Ok(PreviewPage::new(Chrome::from(&operator), checked, form.csv).into_response());
    }
    let actor = Actor::operator(&operator.email);
    let import = state.app.import_roster(&checked, &actor).await?;
    let notice = format!(
        "Roster replaced: {} people ({} active, {} terminated)",
        import.entries, import.active, import.terminated
    );
    Ok(Redirect::to(&super::with_notice(&notice)).into_response())
}
