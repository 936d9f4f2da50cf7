//! `/roster` (issue 16): the roster of people who should be in the managed orgs against who is.
//! Not Leaver's operators (those are `leaver user list`).
//!
//! - `GET /roster`: the reconciliation (since when each row has been seen), seat cost per org
//!   with its picture, dismissed rows, the imports, against the orgs as the background refresh
//!   last read them (never the Hub during the request); `POST /roster/refresh` asks for a read;
//! - `POST /roster/preview` then `POST /roster/import`: a roster CSV checked row by row as the
//!   case import is, then made the roster (replacing the previous import);
//! - `POST /roster/act`: the selected rows, either previewed as cases to open (then
//!   `POST /roster/open`, the CSV import's path) or dismissed with a reason;
//! - `GET /roster.csv`: every row as CSV.

mod act;
mod export;
mod page;
mod upload;

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(page::router())
        .merge(export::router())
        .merge(act::router())
        .merge(upload::router().layer(DefaultBodyLimit::max(crate::routes::import::MAX_CONFIRM)))
}

/// `/roster` with a one-line notice.
fn with_notice(notice: &str) -> String {
    let query = serde_urlencoded::to_string([("notice", notice)]).unwrap_or_default();
    format!("/roster?{query}")
}
