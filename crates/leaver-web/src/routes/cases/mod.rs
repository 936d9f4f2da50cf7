//! The case pages: list, detail, the new-case form, the operator's actions, steering a case
//! (ticket changes, successor, re-plan, skip, re-ask), evidence.

mod actions;
mod confirm_empty;
mod create;
pub(crate) mod evidence;
mod list;
mod show;
mod steering;
mod steering_view;
mod tokens;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(list::router())
        .merge(create::router())
        .merge(show::router())
        .merge(actions::router())
        .merge(confirm_empty::router())
        .merge(steering::router())
        .merge(evidence::router())
        .merge(tokens::router())
}
