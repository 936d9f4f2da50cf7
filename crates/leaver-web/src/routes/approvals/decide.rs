//! `POST /approvals/{token}`: `decision=approve|reject` (a reason is required to reject), and
//! optionally one `step.<step id>=approve|reject` per step of the request: see
//! `leaver_app::step_choices` for how they combine. Refused from another origin or without the
//! form's key; a decided, expired, replaced or closed link changes nothing and says why.

use super::page::{find, form_key, miss, page, private, respond, too_many, well_formed};
use crate::views::Flash;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use leaver_app::model::{Decided, Decision, DecisionOrigin};
use leaver_app::step_choices::StepChoices;
use leaver_app::text::checked_text;
use std::net::SocketAddr;

/// The form as posted. Fields are read by hand, since the step choices are named by step.
#[derive(Default)]
pub struct DecisionForm {
    decision: String,
    reason: String,
    csrf: String,
    /// The successor the approver chose instead of the one the request names (approve only).
    successor: String,
    steps: StepChoices,
}

impl DecisionForm {
    /// The form from its fields: `decision` exactly once, `reason`, `csrf` and `successor` at
    /// most once each, the `step.*` choices; other fields are ignored. Refused naming the field.
    fn parse(fields: &[(String, String)]) -> Result<DecisionForm, String> {
        let once = |name: &str| -> Result<Option<String>, String> {
            let mut values = fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
            let first = values.next().cloned();
            if values.next().is_some() {
                return Err(format!("{name}: given more than once"));
            }
            Ok(first)
        };
        Ok(DecisionForm {
            decision: once("decision")?.ok_or("decision: missing: choose approve or reject")?,
            reason: once("reason")?.unwrap_or_default(),
            csrf: once("csrf")?.unwrap_or_default(),
            successor: once("successor")?.unwrap_or_default(),
            steps: StepChoices::from_fields(fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        })
    }
}

#[tracing::instrument(skip_all)]
pub async fn decide(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = DecisionForm::parse(&fields);
    let csrf = form.as_ref().map_or("", |f| f.csrf.as_str());
    if let Some(refused) = cross_site(&state, &headers, &token, csrf) {
        return refused;
    }
    let form = match form {
        Ok(form) => form,
        Err(bad) => return with_flash(&state, &token, peer, &bad).await,
    };
    let decision = match form.decision.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        _ => return with_flash(&state, &token, peer, "Choose approve or reject.").await,
    };
    let user_agent = headers
        .get(header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let checked = checked_text("reason", Some(&form.reason))
        .and_then(|reason| Ok((reason, checked_text("User-Agent", user_agent.as_deref())?)));
    let (reason, user_agent) = match checked {
        Ok(checked) => checked,
        Err(bad) => return with_flash(&state, &token, peer, &bad.to_string()).await,
    };
    let rejects_a_step = form.steps.0.iter().any(|(_, v)| v == "reject");
    if (decision == Decision::Reject || rejects_a_step) && reason.is_none() {
        return with_flash(
            &state,
            &token,
            peer,
            "Say why you reject: the reason goes to the operator and into the evidence.",
        )
        .await;
    }
    if !state.guesses.count_attempt(peer.ip()) {
        return too_many();
    }
    if !well_formed(&token) {
        return miss();
    }
    let successor = form.successor.trim();
    if decision == Decision::Approve && !successor.is_empty() {
        match state.app.choose_successor(&token, successor).await {
            Ok(_) => {}
            Err(invalid @ leaver_app::Error::Invalid(_)) => {
                return with_flash(&state, &token, peer, &invalid.to_string()).await;
            }
            Err(leaver_app::Error::NotFound(_)) => return miss(),
            // A link that may not decide says why below, as any refused decision does.
            Err(leaver_app::Error::Conflict(_)) => {}
            Err(error) => return AppError::from(error).into_response(),
        }
    }
    let origin = DecisionOrigin {
        ip: Some(peer.ip().to_string()),
        user_agent,
    };
    // The link is read for a page only when the decision is refused: a decision that goes
    // through costs its write and nothing else (see the approvals benchmark).
    let decided = state
        .app
        .decide_steps(&token, decision, &form.steps, reason, &origin)
        .await;
    if !matches!(decided, Ok(Decided::Unknown)) {
        state.guesses.forgive(peer.ip());
    }
    match decided {
        // Post/redirect/get: the page then shows "approved by X at T".
        Ok(Decided::Recorded { .. }) => {
            (private(), Redirect::to(&format!("/approvals/{token}"))).into_response()
        }
        Ok(Decided::Unknown) => miss(),
        Err(invalid @ leaver_app::Error::Invalid(_)) => {
            with_flash(&state, &token, peer, &invalid.to_string()).await
        }
        Ok(_) => match find(&state, &token, peer.ip()).await {
            Ok((link, case)) => match page(&state, &token, &link, &case).await {
                Ok(page) => respond(StatusCode::CONFLICT, page),
                Err(error) => error.into_response(),
            },
            Err(response) => response,
        },
        Err(error) => AppError::from(error).into_response(),
    }
}

/// The page again, with a notice, answering 422.
async fn with_flash(state: &AppState, token: &str, peer: SocketAddr, message: &str) -> Response {
    let (link, case) = match find(state, token, peer.ip()).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    match page(state, token, &link, &case).await {
        Ok(mut page) => {
            page.flash = Some(Flash::error(message));
            respond(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(error) => error.into_response(),
    }
}

/// A browser posting from another site sends its own `Origin`; a form rendered by us carries
/// the link's form key. Either failing refuses the POST (the refusal is returned) before
/// anything is read.
pub fn cross_site(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    csrf: &str,
) -> Option<Response> {
    let refuse =
        |why: &str| Some((StatusCode::FORBIDDEN, private(), why.to_owned()).into_response());
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let ours = state.public_origin.as_deref() == Some(origin)
            || origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host);
        if !ours {
            return refuse("This form may only be sent from Leaver's own page.");
        }
    }
    if csrf != form_key(token) {
        return refuse(
            "This form is not the one Leaver showed for this link; open the link again.",
        );
    }
    None
}
