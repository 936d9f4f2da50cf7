//! `GET /import`: the upload form.

use crate::AppState;
use crate::auth::CurrentOperator;
use crate::views::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::get;
use leaver_app::import::{COLUMNS, MAX_BYTES, MAX_ROWS};

pub fn router() -> Router<AppState> {
    Router::new().route("/import", get(form))
}

#[derive(Template, WebTemplate)]
#[template(path = "import/form.html")]
struct FormPage {
    chrome: Chrome,
    columns: String,
    max_rows: usize,
    max_mib: usize,
}

async fn form(operator: CurrentOperator) -> FormPage {
    FormPage {
        chrome: Chrome::from(&operator),
        columns: COLUMNS.join(","),
        max_rows: MAX_ROWS,
        max_mib: MAX_BYTES / (1024 * 1024),
    }
}
