//! `GET /cases/new` shows the ticket form; `POST /cases/new` opens the case, or re-shows the form
//! with each bad field named. "Effective at" is a date-time input, read in `LEAVER_TIMEZONE`;
//! "Run now" accepts a time in the past and does not wait.

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
use leaver_app::dates::run_now_flag;
use leaver_app::model::Actor;
use leaver_core::{FieldError, TicketInput};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/cases/new", get(form).post(submit))
}

/// One input of the form.
struct Field {
    name: &'static str,
    label: String,
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
    run_now: bool,
}

/// What the form posts: the ticket and the "Run now" checkbox.
#[derive(Debug, Deserialize)]
struct NewCase {
    #[serde(flatten)]
    ticket: TicketInput,
    run_now: Option<String>,
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
    ("effective_at", "Effective at", "datetime-local", false),
    ("reason", "Reason", "text", false),
];

fn page(
    state: &AppState,
    operator: &CurrentOperator,
    input: &TicketInput,
    errors: &[FieldError],
    error: Option<String>,
) -> NewPage {
    let zone = state.app.zone();
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
            label: if name == "effective_at" {
                format!("{label} ({zone}; empty: as soon as approved)")
            } else {
                label.to_owned()
            },
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
        run_now: false,
    }
}

async fn form(State(state): State<AppState>, operator: CurrentOperator) -> NewPage {
    page(&state, &operator, &TicketInput::default(), &[], None)
}

#[tracing::instrument(skip_all)]
async fn submit(
    State(state): State<AppState>,
    CsrfForm { operator, form }: CsrfForm<NewCase>,
) -> Result<Response, PageError> {
    let actor = Actor::operator(&operator.email);
    let run_now = run_now_flag(form.run_now.as_deref());
    let form = form.ticket;
    let shown = |errors: &[FieldError], error: Option<String>| NewPage {
        run_now,
        ..page(&state, &operator, &form, errors, error)
    };
    match state.app.open_case_run_now(&form, run_now, &actor).await {
        Ok(opened) => {
            Ok(Redirect::to(&format!("/cases/{}?notice=opened", opened.case.id)).into_response())
        }
        Err(Error::Invalid(errors)) => {
            let html = shown(
                &errors,
                Some("Please fix the fields marked below; nothing was saved.".into()),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(Error::Conflict(conflict)) => {
            let html = shown(&[], Some(conflict));
            Ok((StatusCode::CONFLICT, html).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
