//! `/import`: upload a CSV file (up to 10,000 rows, 10 MiB), see the bad rows flagged by line
//! and field before anything is written, then confirm to open a case per good row.

pub(crate) mod confirm;
mod form;
mod preview;
pub(crate) mod upload;

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use leaver_app::import::MAX_BYTES;

/// The confirmation carries the file again, URL-encoded (at most three bytes per byte).
pub(crate) const MAX_CONFIRM: usize = 3 * MAX_BYTES + 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(form::router())
        .merge(preview::router().layer(DefaultBodyLimit::max(upload::MAX_UPLOAD)))
        .merge(confirm::router().layer(DefaultBodyLimit::max(MAX_CONFIRM)))
}
