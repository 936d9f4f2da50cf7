//! `GET /roster`: the reconciliation page, against the orgs as the background refresh last
//! read them (when, and whether a refresh is under way or failed); the request itself never
//! reads the Hub. `POST /roster/refresh` asks the background to read the orgs again.

use crate::AppState;
use crate::auth::CsrfForm;
use crate::auth::CurrentOperator;
use crate::charts::{orphans_chart, svg};
use crate::views::{Chrome, Flash, PageError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use leaver_app::roster::RosterImport;
use leaver_app::roster::import::COLUMNS;
use leaver_app::roster::{RosterReport, RosterRow};
use leaver_core::roster::OrgCost;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/roster", get(page))
        .route("/roster/refresh", post(refresh))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    #[serde(default)]
    notice: Option<String>,
}

/// A row as the table shows it.
pub(super) struct RowView {
    pub row: RosterRow,
    pub key: String,
    pub since: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "roster/page.html")]
struct RosterPage {
    chrome: Chrome,
    flash: Option<Flash>,
    columns: String,
    /// When a refresh was asked for that is not done yet.
    refreshing_since: Option<String>,
    /// When the last read failed (since the last good one), and why.
    failure: Option<(String, String)>,
    report: Option<RosterReport>,
    rows: Vec<RowView>,
    dismissed: Vec<RowView>,
    costs: Vec<OrgCost>,
    orphans_svg: String,
    imports: Vec<RosterImport>,
    read_at: String,
}

fn views(rows: &[RosterRow]) -> Vec<RowView> {
    rows.iter()
        .map(|row| RowView {
            key: row.key(),
            since: crate::views::when(row.first_seen),
            row: row.clone(),
        })
        .collect()
}

#[tracing::instrument(skip_all)]
async fn page(
    operator: CurrentOperator,
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<RosterPage, PageError> {
    let view = state.app.roster_view().await?;
    let report = view.report;
    let imports = state.app.roster_imports(10).await?;
    let (rows, dismissed, costs, orphans_svg, read_at) = match &report {
        Some(r) => (
            views(&r.rows),
            views(&r.dismissed),
            r.costs.clone(),
            svg(&orphans_chart(&r.costs)),
            crate::views::when(r.read_at),
        ),
        None => Default::default(),
    };
    Ok(RosterPage {
        chrome: Chrome::from(&operator),
        flash: query.notice.map(Flash::info),
        columns: COLUMNS.join(","),
        refreshing_since: view.refreshing_since.map(crate::views::when),
        failure: view.failure.map(|(at, why)| (crate::views::when(at), why)),
        report,
        rows,
        dismissed,
        costs,
        orphans_svg,
        imports,
        read_at,
    })
}

/// Asks the background to read the orgs again; the page says "refreshing…" until it has.
#[tracing::instrument(skip_all)]
async fn refresh(
    State(state): State<AppState>,
    _checked: CsrfForm<Vec<(String, String)>>,
) -> Result<Redirect, PageError> {
    state.app.request_roster_refresh().await?;
    Ok(Redirect::to(&super::with_notice(
        "The orgs will be read again in the background.",
    )))
}
