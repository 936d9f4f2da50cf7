//! `POST /roster/act` (the selected `row`s, `action=open|dismiss`, `manager_email`, `reason`):
//! `open` previews the cases the rows would open (the CSV import's checks; nothing written),
//! `dismiss` dismisses each row with the reason (audited). `POST /roster/open` (the rows
//! again): opens the previewed cases through the CSV import's path.

use crate::AppState;
use crate::auth::CsrfForm;
use crate::routes::import::confirm::DonePage;
use crate::views::{Chrome, PageError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use leaver_app::import::{GoodRow, RowError};
use leaver_app::model::Actor;
use leaver_app::roster::RowKey;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/roster/act", post(act))
        .route("/roster/open", post(open))
}

/// The form's fields: `row` repeats, one per selected row.
struct Selection {
    rows: Vec<String>,
    action: String,
    manager: Option<String>,
    reason: String,
}

impl Selection {
    fn from(fields: Vec<(String, String)>) -> Selection {
        let mut out = Selection {
            rows: Vec::new(),
            action: String::new(),
            manager: None,
            reason: String::new(),
        };
        for (name, value) in fields {
            match name.as_str() {
                "row" => out.rows.push(value),
                "action" => out.action = value,
                "manager_email" if !value.trim().is_empty() => out.manager = Some(value),
                "reason" => out.reason = value,
                _ => {}
            }
        }
        out
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "roster/open_preview.html")]
struct OpenPreview {
    chrome: Chrome,
    good: Vec<GoodRow>,
    errors: Vec<RowError>,
    rows: Vec<String>,
    manager: String,
}

#[tracing::instrument(skip_all)]
async fn act(
    State(state): State<AppState>,
    CsrfForm { operator, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let selection = Selection::from(form);
    if selection.rows.is_empty() {
        return Err(leaver_app::Error::invalid("row", "select at least one row").into());
    }
    if selection.action == "dismiss" {
        let actor = Actor::operator(&operator.email);
        let keys = selection
            .rows
            .iter()
            .map(|raw| RowKey::parse(raw))
            .collect::<Result<Vec<_>, _>>()?;
        for key in &keys {
            state
                .app
                .dismiss_roster_row(key, &selection.reason, &actor)
                .await?;
        }
        let notice = format!("{} rows dismissed: {}", keys.len(), selection.reason.trim());
        return Ok(Redirect::to(&super::with_notice(&notice)).into_response());
    }
    let bulk = state
        .app
        .roster_open_preview(&selection.rows, selection.manager.as_deref())
        .await?;
    Ok(OpenPreview {
        chrome: Chrome::from(&operator),
        good: bulk.preview.good,
        errors: bulk.preview.errors,
        rows: selection.rows,
        manager: selection.manager.unwrap_or_default(),
    }
    .into_response())
}

#[tracing::instrument(skip_all)]
async fn open(
    State(state): State<AppState>,
    CsrfForm { operator, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let selection = Selection::from(form);
    let bulk = state
        .app
        .roster_open_preview(&selection.rows, selection.manager.as_deref())
        .await?;
    let actor = Actor::operator(&operator.email);
    let written = state.app.import(&bulk.preview.good, &actor, |_| {}).await?;
    Ok(DonePage {
        chrome: Chrome::from(&operator),
        written,
        skipped: bulk.preview.bad_rows(),
    }
    .into_response())
}
