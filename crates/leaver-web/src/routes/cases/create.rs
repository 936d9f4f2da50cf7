//! `GET /cases/new` shows the ticket form; `POST /cases/new` opens the case, or re-shows the form
//! with each bad field named.

use crate::AppState;
use crate::auth::{CsrfForm, CurrentOperator};
use crate::views::{Chrome, PageError};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leaver_app::Error;
use leaver_app::model::Actor;
use leaver_core::{FieldError, TicketInput};

pub fn router() -> Router<AppState> {
    Router::new().route("/cases/new", get(form).post(submit))
}

/// One input of the form.
struct Field {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    required: bool,
    value: String,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/new.html")]
struct NewPage {
    chrome: Chrome,
    fields: Vec<Field>,
    error: Option<String>,
}

const FIELDS: [(&str, &str, &str, bool); 8] = [
    ("external_id", "HR ticket id", "text", true),
    ("email", "Leaver's work email", "email", true),
    ("name", "Full name", "text", false),
    ("hub_username", "Hugging Face username", "text", true),
    (
        "manager_email",
        "Manager's email (approves the plan)",
        "email",
        true,
    ),
    ("successor", "Successor admin (Hub username)", "text", false),
    (
        "effective_at",
        "Effective at (RFC 3339, e.g. 2026-12-01T17:00:00Z)",
        "text",
        false,
    ),
    ("reason", "Reason", "text", false),
];

fn page(
    operator: &CurrentOperator,
    input: &TicketInput,
    errors: &[FieldError],
    error: Option<String>,
) -> NewPage {
    let values = [
        &input.external_id,
        &input.email,
        &input.name,
        &input.hub_username,
        &input.manager_email,
        &input.successor,
        &input.effective_at,
        &input.reason,
    ];
    let fields = FIELDS
        .iter()
        .zip(values)
        .map(|(&(name, label, kind, required), value)| Field {
            name,
            label,
            kind,
            required,
            value: value.clone().unwrap_or_default(),
            error: errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.message.clone()),
        })
        .collect();
    NewPage {
        chrome: Chrome::from(operator),
        fields,
        error,
    }
}

async fn form(operator: CurrentOperator) -> NewPage {
    page(&operator, &TicketInput::default(), &[], None)
}

#[tracing::instrument(skip_all)]
async fn submit(
    State(state): State<AppState>,
    CsrfForm { operator, form }: CsrfForm<TicketInput>,
) -> Result<Response, PageError> {
    let actor = Actor::operator(&operator.email);
    match state.app.open_case(&form, &actor).await {
        Ok(opened) => {
            Ok(Redirect::to(&format!("/cases/{}?notice=opened", opened.case.id)).into_response())
        }
        Err(Error::Invalid(errors)) => {
            let html = page(
                &operator,
                &form,
                &errors,
                Some("Please fix the fields marked below; nothing was saved.".into()),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(Error::Conflict(conflict)) => {
            let html = page(&operator, &form, &[], Some(conflict));
            Ok((StatusCode::CONFLICT, html).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
