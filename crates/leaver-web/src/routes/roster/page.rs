//! `GET /roster[?fresh=1]`: the reconciliation page.

use crate::AppState;
use crate::auth::CurrentOperator;
use crate::charts::{orphans_chart, svg};
use crate::views::{Chrome, Flash, PageError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use leaver_app::Error;
use leaver_app::roster::RosterImport;
use leaver_app::roster::import::COLUMNS;
use leaver_app::roster::{RosterReport, RosterRow};
use leaver_core::roster::OrgCost;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/roster", get(page))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    #[serde(default)]
    fresh: Option<String>,
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
    /// Why the orgs could not be read, if they could not.
    unavailable: Option<String>,
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
    let (report, unavailable) = match state.app.roster_report(query.fresh.is_some()).await {
        Ok(report) => (Some(report), None),
        Err(Error::Unavailable(why)) => (None, Some(why)),
        Err(other) => return Err(other.into()),
    };
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
        unavailable,
        report,
        rows,
        dismissed,
        costs,
        orphans_svg,
        imports,
        read_at,
    })
}
