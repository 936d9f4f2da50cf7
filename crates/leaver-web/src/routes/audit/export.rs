//! `GET /audit/export?from=&to=&format=`: evidence for every case touched in a period. `from`
//! and `to` are dates (`2026-11-01`, `to` included) or RFC 3339 times; by default the last 30
//! days.

use crate::auth::CurrentOperator;
use crate::evidence::render::render;
use crate::evidence::{for_period, period_bound};
use crate::routes::cases::evidence as evidence_format;
use crate::views::PageError;
use crate::{AppError, AppState};
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use leaver_core::FieldError;
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

pub fn router() -> Router<AppState> {
    Router::new().route("/audit/export", get(export))
}

#[derive(Debug, Default, Deserialize)]
struct Period {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

fn bound(field: &'static str, raw: &str, end: bool) -> Result<OffsetDateTime, AppError> {
    period_bound(raw, end)
        .map_err(|message| AppError::Validation(vec![FieldError { field, message }]))
}

#[tracing::instrument(skip_all)]
async fn export(
    _operator: CurrentOperator,
    State(state): State<AppState>,
    Query(period): Query<Period>,
) -> Result<Response, PageError> {
    let format = evidence_format::format(period.format.as_deref())?;
    let now = OffsetDateTime::now_utc();
    let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let to = given(&period.to)
        .map(|t| bound("to", &t, true))
        .transpose()?
        .unwrap_or(now);
    let from = given(&period.from)
        .map(|f| bound("from", &f, false))
        .transpose()?
        .unwrap_or(to - Duration::days(30));
    let evidence = for_period(&*state.store, &*state.reports, from, to).await?;
    let body = render(&evidence, format)?;
    Ok(evidence_format::respond(body, format, "evidence-period"))
}
