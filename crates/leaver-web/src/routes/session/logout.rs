//! `GET /logout` asks to confirm (a link must not log anyone out); `POST /logout` ends the
//! session and clears its cookie.

use crate::AppState;
use crate::auth::{CsrfForm, CurrentOperator, SESSION_COOKIE, cookies};
use crate::views::{Chrome, PageError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/logout", get(confirm).post(logout))
}

#[derive(Template, WebTemplate)]
#[template(path = "session/logout.html")]
struct LogoutPage {
    chrome: Chrome,
}

async fn confirm(operator: CurrentOperator) -> LogoutPage {
    LogoutPage {
        chrome: Chrome::from(&operator),
    }
}

#[derive(Debug, Deserialize)]
struct Empty {}

async fn logout(
    State(state): State<AppState>,
    CsrfForm { operator, .. }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    state.app.end_session(&operator.session_hash).await?;
    let clear = cookies::set(SESSION_COOKIE, "", 0, state.secure_cookies);
    Ok((AppendHeaders([(SET_COOKIE, clear)]), Redirect::to("/login")).into_response())
}
