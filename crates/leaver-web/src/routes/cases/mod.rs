//! The case pages: list, detail, the new-case form, the operator's actions, evidence.

mod actions;
mod create;
pub(crate) mod evidence;
mod list;
mod show;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(list::router())
        .merge(create::router())
        .merge(show::router())
        .merge(actions::router())
        .merge(evidence::router())
}
