//! The REST API for HR systems under `/api/v1` (API key required), and its OpenAPI document at
//! `/api/openapi.json` (generated from these handlers and DTOs).

pub(crate) mod cancel;
pub(crate) mod confirm_nothing_held;
pub(crate) mod create;
pub mod dto;
pub(crate) mod hooks;
pub(crate) mod hooks_settings;
pub(crate) mod list;
pub mod merge_patch;
pub mod openapi;
mod query;
pub(crate) mod reask;
pub(crate) mod replan;
pub(crate) mod show;
pub(crate) mod skip;
pub(crate) mod tokens;
pub(crate) mod tokens_ack;
pub(crate) mod update;

#[cfg(test)]
mod fuzz;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(create::router())
        .merge(list::router())
        .merge(show::router())
        .merge(cancel::router())
        .merge(update::router())
        .merge(replan::router())
        .merge(skip::router())
        .merge(reask::router())
        .merge(confirm_nothing_held::router())
        .merge(tokens::router())
        .merge(tokens_ack::router())
        .merge(hooks::router())
        .merge(openapi::router())
}
