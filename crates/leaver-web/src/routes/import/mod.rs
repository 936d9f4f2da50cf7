//! `/import`: upload a CSV file, see every bad row flagged by line and field before anything is
//! written, then confirm to open a case per good row.

mod confirm;
mod form;
mod preview;

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;

/// Imports of 10,000 rows are about 1 MB; leave room.
const MAX_UPLOAD: usize = 32 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(form::router())
        .merge(preview::router())
        .merge(confirm::router())
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
}
