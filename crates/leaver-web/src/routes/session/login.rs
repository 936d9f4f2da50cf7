//! `GET /login` shows the form; `POST /login` checks the password and starts a session.
//! The form is guarded by a double-submit token (a cookie and a field that must match) and the
//! Origin check, since there is no session to tie a token to yet.

use crate::auth::cookies;
use crate::auth::csrf::check;
use crate::auth::{after_login, start_session};
use crate::views::PageError;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use leaver_app::accounts::random_token;
use serde::Deserialize;
use std::net::SocketAddr;

const LOGIN_COOKIE: &str = "leaver_login";

pub fn router() -> Router<AppState> {
    Router::new().route("/login", get(show).post(submit))
}

#[derive(Template, WebTemplate)]
#[template(path = "session/login.html")]
struct LoginPage {
    next: String,
    csrf: String,
    email: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Next {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    csrf: Option<String>,
    next: Option<String>,
}

/// The form with a fresh double-submit token.
fn form(
    state: &AppState,
    status: StatusCode,
    next: String,
    email: String,
    error: Option<String>,
) -> Response {
    let csrf = random_token("");
    let cookie = cookies::set(LOGIN_COOKIE, &csrf, 3600, state.secure_cookies);
    let page = LoginPage {
        next,
        csrf,
        email,
        error,
    };
    (status, AppendHeaders([(SET_COOKIE, cookie)]), page).into_response()
}

async fn show(State(state): State<AppState>, Query(q): Query<Next>) -> Response {
    form(
        &state,
        StatusCode::OK,
        after_login(q.next.as_deref()).to_owned(),
        String::new(),
        None,
    )
}

#[tracing::instrument(skip_all)]
async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(login): Form<LoginForm>,
) -> Result<Response, PageError> {
    let expected = cookies::get(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() {
        return Err(AppError::Forbidden(
            "the login form needs cookies: enable them and reload".into(),
        )
        .into());
    }
    check(&headers, &state, login.csrf.as_deref(), &expected)?;
    let next = after_login(login.next.as_deref()).to_owned();
    // Every attempt is counted before its password is checked, in one step: attempts sent side
    // by side cannot all slip in under the allowance while the first ones are still checking.
    if !state.login_brake.count_attempt(peer.ip()) {
        let error = Some("Too many login attempts from your address: wait a minute.".to_owned());
        return Ok(form(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            next,
            login.email,
            error,
        ));
    }
    let operator = state.app.log_in(&login.email, &login.password).await?;
    let Some(operator_id) = operator else {
        tracing::info!("failed login");
        let error = Some("Wrong email or password.".to_owned());
        return Ok(form(
            &state,
            StatusCode::UNAUTHORIZED,
            next,
            login.email,
            error,
        ));
    };
    let session = start_session(&state, &operator_id).await?;
    let clear = cookies::set(LOGIN_COOKIE, "", 0, state.secure_cookies);
    let cookies = AppendHeaders([(SET_COOKIE, session), (SET_COOKIE, clear)]);
    Ok((cookies, Redirect::to(&next)).into_response())
}
