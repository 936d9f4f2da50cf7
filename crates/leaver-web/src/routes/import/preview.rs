//! `POST /import/preview` (multipart: `file` or pasted `text`, and `csrf`): checks every row
//! and shows what would be written and what is wrong, line by line (the first
//! [`ERRORS_SHOWN`] problems, and how many more). Writes nothing.

use super::upload::{read_upload, refused};
use crate::auth::CurrentOperator;
use crate::auth::csrf::check;
use crate::views::{Chrome, PageError};
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::routing::post;
use leaver_app::import::{Dates, ERRORS_SHOWN, GoodRow, Preview, RowError, preview_in};

pub fn router() -> Router<AppState> {
    Router::new().route("/import/preview", post(submit))
}

/// The preview page; also reused by the confirm step when nothing could be written.
#[derive(Template, WebTemplate)]
#[template(path = "import/preview.html")]
pub(super) struct PreviewPage {
    pub chrome: Chrome,
    pub good: Vec<GoodRow>,
    /// The first [`ERRORS_SHOWN`] problems.
    pub errors: Vec<RowError>,
    /// Problems not listed.
    pub more_errors: usize,
    pub bad_rows: usize,
    /// What was read, in a line (or why nothing was).
    pub summary: String,
    /// The file again, carried by the confirm form.
    pub csv: String,
}

impl PreviewPage {
    pub(super) fn new(chrome: Chrome, preview: Preview, csv: String) -> PreviewPage {
        let bad_rows = preview.bad_rows();
        let summary = preview.summary();
        let mut errors = preview.errors;
        let more_errors = errors.len().saturating_sub(ERRORS_SHOWN);
        errors.truncate(ERRORS_SHOWN);
        PreviewPage {
            chrome,
            bad_rows,
            summary,
            good: preview.good,
            errors,
            more_errors,
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
    let checked = preview_in(
        csv.as_bytes(),
        &Dates::new(state.app.zone(), state.app.now()),
    )
    .map_err(refused)?;
    Ok(PreviewPage::new(Chrome::from(&operator), checked, csv))
}
