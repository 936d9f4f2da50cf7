//! `GET /mail` and `GET /mail/{id}`: the demo's mailbox, with every approval link in it.
//!
//! The rule: only `leaver demo` hands the web app a mailbox. `leaver serve` never does, even
//! with `LEAVER_MAILBOX_DIR` set, so there these pages answer 404 to everyone (the emails stay
//! in that folder, readable by Leaver's own user only). Without a mailbox they answer 404.

use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use leaver_app::mailbox::MailItem;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mail", get(list))
        .route("/mail/{id}", get(show))
}

#[derive(Template, WebTemplate)]
#[template(path = "mail/list.html")]
struct MailList {
    emails: Vec<MailItem>,
}

async fn list(State(state): State<AppState>) -> Result<MailList, AppError> {
    let mailbox = state.mailbox.as_ref().ok_or(AppError::NotFound)?;
    Ok(MailList {
        emails: mailbox.list(),
    })
}

/// The email's own HTML, as a mail client would show it.
async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let mailbox = state.mailbox.as_ref().ok_or(AppError::NotFound)?;
    let email = mailbox.get(&id).ok_or(AppError::NotFound)?;
    Ok(Html(email.html).into_response())
}
