//! `GET /cases?state=&q=&page=`: cases newest first, filtered by state and a search over the
//! ticket id, email and Hub username, 50 to a page.

use crate::auth::CurrentOperator;
use crate::views::{Chrome, PageError, Pager, when};
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use leaver_app::model::CaseFilter;
use leaver_core::{Case, CaseState, FieldError};
use serde::Deserialize;

/// Cases per page.
pub const PAGE_SIZE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/cases", get(list))
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    state: Option<String>,
    q: Option<String>,
    page: Option<u32>,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/list.html")]
struct ListPage {
    chrome: Chrome,
    cases: Vec<Case>,
    states: &'static [CaseState],
    state: String,
    q: String,
    pager: Pager,
}

impl ListPage {
    fn created(&self, case: &Case) -> String {
        when(case.created_at)
    }
}

fn link(state: &str, q: &str, page: u32) -> String {
    let query =
        serde_urlencoded::to_string([("state", state), ("q", q), ("page", &page.to_string())])
            .unwrap_or_default();
    format!("/cases?{query}")
}

#[tracing::instrument(skip_all)]
async fn list(
    operator: CurrentOperator,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, PageError> {
    let state_name = query.state.unwrap_or_default();
    let case_state = Some(state_name.as_str())
        .filter(|s| !s.is_empty())
        .map(str::parse::<CaseState>)
        .transpose()
        .map_err(|message| {
            AppError::Validation(vec![FieldError {
                field: "state",
                message,
            }])
        })?;
    let q = query.q.unwrap_or_default().trim().to_owned();
    let page = query.page.unwrap_or(1).max(1);
    let mut filter = CaseFilter {
        state: case_state,
        search: Some(q.clone()).filter(|q| !q.is_empty()),
        limit: Some(PAGE_SIZE),
        offset: (page - 1).saturating_mul(PAGE_SIZE),
    };
    let total = state.app.count_cases(&filter).await?;
    let cases = state.app.list_cases(&filter).await?;
    filter.offset += u32::try_from(cases.len()).unwrap_or(0);
    let shown_to = filter.offset;
    let pager = Pager {
        prev: (page > 1).then(|| link(&state_name, &q, page - 1)),
        next: (i64::from(shown_to) < total).then(|| link(&state_name, &q, page + 1)),
        summary: if cases.is_empty() {
            format!("no cases of {total}")
        } else {
            format!("{}–{shown_to} of {total}", (page - 1) * PAGE_SIZE + 1)
        },
    };
    Ok(ListPage {
        chrome: Chrome::from(&operator),
        cases,
        states: CaseState::ALL,
        state: state_name,
        q,
        pager,
    })
}
