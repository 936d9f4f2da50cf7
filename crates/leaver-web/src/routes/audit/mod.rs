//! `/audit`: the chain's verification and the newest records; `/audit/export`: a period's
//! evidence.

mod export;
mod page;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().merge(page::router()).merge(export::router())
}
