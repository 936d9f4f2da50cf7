//! `GET /settings`: the managed orgs, their detected plan and what the Hub token may do there,
//! as the server last read them (never read inline: see `crate::settings_view`); the operators
//! and API keys (names and times, never a secret), with a CSRF-checked form to remove an
//! operator (`POST /settings/operators/remove`) or revoke a key (`POST
//! /settings/apikeys/revoke`), each audited as done by the logged-in operator.

use crate::AppState;
use crate::auth::{CsrfForm, CurrentOperator};
use crate::views::{Chrome, Flash, PageError, when};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use leaver_app::model::Actor;
use leaver_app::settings_view::SettingsView;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(settings))
        .route("/settings/operators/remove", post(remove_operator))
        .route("/settings/apikeys/revoke", post(revoke_api_key))
}

/// An operator or an API key as the page lists it.
struct Access {
    /// The operator's email or the key's name.
    who: String,
    created: String,
    last_used: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
struct SettingsPage {
    chrome: Chrome,
    flash: Option<Flash>,
    view: SettingsView,
    checked_at: Option<String>,
    operators: Vec<Access>,
    api_keys: Vec<Access>,
    scim: super::scim::settings_section::ScimSection,
    hook_sources: super::api::hooks_settings::HookSection,
}

#[derive(Deserialize)]
struct Notice {
    notice: Option<String>,
}

/// The fixed notices the forms redirect with (never text from the query itself).
fn flash(code: Option<&str>) -> Option<Flash> {
    Some(match code? {
        "operator_removed" => Flash::info("Operator removed: their sessions have ended."),
        "key_revoked" => Flash::info("API key revoked: requests with it are refused."),
        "not_found" => Flash::error("Nothing to remove: it was already gone."),
        _ => return None,
    })
}

async fn settings(
    operator: CurrentOperator,
    State(state): State<AppState>,
    Query(notice): Query<Notice>,
    headers: axum::http::HeaderMap,
) -> Result<SettingsPage, PageError> {
    let view = state.app.settings_view();
    let operators = state.app.operators().await?;
    let api_keys = state.app.api_keys().await?;
    let hook_sources = super::api::hooks_settings::HookSection::read(&state.app).await?;
    Ok(SettingsPage {
        chrome: Chrome::from(&operator),
        flash: flash(notice.notice.as_deref()),
        checked_at: view.checked_at.map(when),
        view,
        operators: operators
            .into_iter()
            .map(|o| Access {
                who: o.email,
                created: when(o.created_at),
                last_used: o.last_login_at.map(when),
            })
            .collect(),
        scim: super::scim::settings_section::section(&state, &headers).await?,
        api_keys: api_keys
            .into_iter()
            .filter(|k| k.scope == leaver_app::accounts::KeyScope::Api)
            .map(|k| Access {
                who: k.name,
                created: when(k.created_at),
                last_used: k.last_used_at.map(when),
            })
            .collect(),
        hook_sources,
    })
}

#[derive(Debug, Deserialize)]
struct OperatorForm {
    email: String,
}

#[derive(Debug, Deserialize)]
struct ApiKeyForm {
    name: String,
}

/// Back to the settings page: removed, or already gone.
fn back(done: leaver_app::Result<()>, notice: &str) -> Result<Redirect, PageError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/settings?notice={notice}"))),
        Err(leaver_app::Error::NotFound(_)) => Ok(Redirect::to("/settings?notice=not_found")),
        Err(other) => Err(other.into()),
    }
}

async fn remove_operator(
    State(state): State<AppState>,
    CsrfForm { operator, form }: CsrfForm<OperatorForm>,
) -> Result<Redirect, PageError> {
    let actor = Actor::operator(&operator.email);
    back(
        state.app.remove_operator(&form.email, &actor).await,
        "operator_removed",
    )
}

async fn revoke_api_key(
    State(state): State<AppState>,
    CsrfForm { operator, form }: CsrfForm<ApiKeyForm>,
) -> Result<Redirect, PageError> {
    let actor = Actor::operator(&operator.email);
    back(
        state.app.revoke_api_key(&form.name, &actor).await,
        "key_revoked",
    )
}
