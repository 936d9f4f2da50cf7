//! `GET /api/v1/cases?state=&search=&limit=&offset=`: cases, newest first, with their steps.
//! The total number of matches is in the `X-Total-Count` header.

use super::dto::{CaseBody, ErrorBody};
use super::query::ApiQuery;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::HeaderName;
use axum::routing::get;
use axum::{Json, Router};
use leaver_app::model::CaseFilter;
use leaver_core::{CaseState, FieldError};
use serde::Deserialize;
use utoipa::IntoParams;

/// The most cases one page returns.
const MAX_LIMIT: u32 = 1000;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases", get(list))
}

/// Which cases to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListParams {
    /// Only cases in this state (planning, awaiting_approval, scheduled, running, completed,
    /// needs_attention, cancelled).
    state: Option<String>,
    /// Substring of the ticket id, email or Hub username (case-insensitive).
    search: Option<String>,
    /// At most this many (default 100, at most 1000).
    limit: Option<String>,
    /// Skip this many (default 0).
    offset: Option<String>,
}

fn number(field: &'static str, raw: Option<&str>, default: u32) -> Result<u32, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(raw) => raw.parse().map_err(|_| FieldError {
            field,
            message: format!("{raw:?} is not a whole number"),
        }),
    }
}

fn filter(params: &ListParams) -> Result<CaseFilter, AppError> {
    let mut errors = Vec::new();
    let state = params
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| {
            s.parse::<CaseState>()
                .map_err(|message| {
                    errors.push(FieldError {
                        field: "state",
                        message,
                    })
                })
                .ok()
        });
    let limit = number("limit", params.limit.as_deref(), 100)
        .map_err(|e| errors.push(e))
        .ok();
    let offset = number("offset", params.offset.as_deref(), 0)
        .map_err(|e| errors.push(e))
        .ok();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(CaseFilter {
        state,
        search: params.search.clone().filter(|s| !s.trim().is_empty()),
        limit: Some(limit.unwrap_or(100).clamp(1, MAX_LIMIT)),
        offset: offset.unwrap_or(0),
    })
}

/// List cases.
#[utoipa::path(
    get, path = "/api/v1/cases", tag = "cases",
    params(ListParams),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Cases, newest first", body = [CaseBody],
         headers(("X-Total-Count" = u64, description = "How many cases match in all"))),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 422, description = "A bad filter, or one given twice, named", body = ErrorBody),
    )
)]
pub(crate) async fn list(
    _client: ApiClient,
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<([(HeaderName, String); 1], Json<Vec<CaseBody>>), AppError> {
    let filter = filter(&params)?;
    let total = state.app.count_cases(&filter).await?;
    let cases = state.app.list_cases(&filter).await?;
    let header = [(HeaderName::from_static("x-total-count"), total.to_string())];
    Ok((header, Json(cases.iter().map(CaseBody::from).collect())))
}
