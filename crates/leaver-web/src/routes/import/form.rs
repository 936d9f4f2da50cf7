//! `GET /import`: the upload form.

use crate::auth::CurrentOperator;
use crate::import::COLUMNS;
use crate::views::Chrome;
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/import", get(form))
}

#[derive(Template, WebTemplate)]
#[template(path = "import/form.html")]
struct FormPage {
    chrome: Chrome,
    columns: String,
}

async fn form(operator: CurrentOperator) -> FormPage {
    FormPage {
        chrome: Chrome::from(&operator),
        columns: COLUMNS.join(","),
    }
}
