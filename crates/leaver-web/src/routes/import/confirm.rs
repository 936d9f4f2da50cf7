//! `POST /import/confirm` (the previewed file again, and `csrf`): checks the rows once more
//! and opens a case for each good one.

use super::preview::PreviewPage;
use super::upload::refused;
use crate::AppState;
use crate::auth::CsrfForm;
use crate::views::{Chrome, PageError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use leaver_app::import::{Dates, Written, preview_in};
use leaver_app::model::Actor;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/import/confirm", post(confirm))
}

#[derive(Debug, Deserialize)]
struct ConfirmForm {
    csv: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "import/done.html")]
pub(crate) struct DonePage {
    pub chrome: Chrome,
    pub written: Written,
    /// Rows left out for errors.
    pub skipped: usize,
}

#[tracing::instrument(skip_all)]
async fn confirm(
    State(state): State<AppState>,
    CsrfForm { operator, form }: CsrfForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let checked = preview_in(
        form.csv.as_bytes(),
        &Dates::new(state.app.zone(), state.app.now()),
    )
    .map_err(refused)?;
    let chrome = Chrome::from(&operator);
    if checked.good.is_empty() {
        return Ok(PreviewPage::new(chrome, checked, form.csv).into_response());
    }
    let actor = Actor::operator(&operator.email);
    let written = state.app.import(&checked.good, &actor, |_| {}).await?;
    let skipped = checked.bad_rows();
    Ok(DonePage {
        chrome,
        written,
        skipped,
    }
    .into_response())
}
