//! `GET /settings`: the managed orgs, their detected plan and what the Hub token may do there,
//! as the server last read them (never read inline: see `crate::settings_view`).

use crate::AppState;
use crate::auth::CurrentOperator;
use crate::views::{Chrome, when};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use leaver_app::settings_view::SettingsView;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings", get(settings))
}

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
struct SettingsPage {
    chrome: Chrome,
    view: SettingsView,
    checked_at: Option<String>,
}

async fn settings(operator: CurrentOperator, State(state): State<AppState>) -> SettingsPage {
    let view = state.app.settings_view();
    SettingsPage {
        chrome: Chrome::from(&operator),
        checked_at: view.checked_at.map(when),
        view,
    }
}
