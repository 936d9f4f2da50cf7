//! `/login` and `/logout`.

mod login;
mod logout;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().merge(login::router()).merge(logout::router())
}
