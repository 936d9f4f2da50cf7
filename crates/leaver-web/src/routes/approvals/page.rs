//! The approval page, shared by every handler: the request in plain words and where it stands.

use crate::views::{Flash, when};
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use leaver_app::model::LinkView;
use leaver_core::approval::{Decision, RequestState};
use leaver_core::describe::{describe_with_tokens, how};
use leaver_core::{Case, CaseState};
use sha2::{Digest, Sha256};

/// One step of the request, for the page.
pub struct StepLine {
    /// The form field of its choice (`step.<step id>`).
    pub field: String,
    pub description: String,
    pub how: &'static str,
    pub state: String,
    /// Kept by an approver: who, and why.
    pub kept: Option<(String, String)>,
}

/// Where the link stands.
pub enum Status {
    /// The approver may decide.
    Open,
    /// This link decided: "approved by X at T".
    Decided {
        decision: &'static str,
        by: String,
        at: String,
        reason: Option<String>,
        /// The steps this approver rejected on their own, in words.
        kept: Vec<String>,
    },
    /// Another approver settled the request.
    Settled {
        decision: &'static str,
        by: String,
        at: String,
    },
    Expired {
        at: String,
    },
    Superseded,
    /// The request was handed to someone else (the case's manager changed): this link decides
    /// nothing any more.
    Moved {
        to: String,
        at: String,
    },
    Closed {
        state: CaseState,
    },
}

#[derive(Template, WebTemplate)]
#[template(path = "approvals/show.html")]
pub struct ApprovalPage {
    pub token: String,
    pub csrf: String,
    pub leaver: String,
    pub leaver_email: String,
    pub hub_username: String,
    pub reason: Option<String>,
    pub effective_at: Option<String>,
    pub rule: String,
    pub approver: String,
    pub steps: Vec<StepLine>,
    pub status: Status,
    pub preselect: Option<String>,
    pub flash: Option<Flash>,
    /// When the request promotes a successor: who, and whom the approver may choose instead.
    pub promotion: Option<Promotion>,
}

/// The successor a request promotes, and the people the approver may choose instead.
pub struct Promotion {
    pub current: String,
    /// `(username, "org: role")`, admins first; empty when the Hub could not be read.
    pub candidates: Vec<(String, String)>,
}

/// The hidden form field that ties a POST to a page rendered for this very link.
pub fn form_key(token: &str) -> String {
    hex::encode(&Sha256::digest(format!("leaver approval form {token}").as_bytes())[..16])
}

/// The page for `link` of `case`.
pub async fn page(
    state: &AppState,
    token: &str,
    link: &LinkView,
    case: &Case,
) -> Result<ApprovalPage, AppError> {
    // Waiting held tokens, by fingerprint: what the tokens step will revoke.
    let held: Vec<String> = state
        .app
        .held_fingerprints(case.id)
        .await?
        .into_iter()
        .filter(|t| t.outcome.is_none())
        .map(|t| t.fingerprint)
        .collect();
    let steps = link
        .steps
        .iter()
        .filter_map(|id| case.step(*id))
        .map(|s| StepLine {
            field: leaver_app::step_choices::field_name(s.id),
            description: describe_with_tokens(case, s, &held),
            how: how(s),
            state: s.state.to_string(),
            kept: s
                .kept_by
                .clone()
                .filter(|_| s.is_kept())
                .map(|by| (by, s.note.clone().unwrap_or_default())),
        })
        .collect();
    Ok(ApprovalPage {
        token: token.to_owned(),
        csrf: form_key(token),
        leaver: case
            .person
            .name
            .clone()
            .unwrap_or_else(|| case.person.hub_username_text().to_owned()),
        leaver_email: case.person.email.to_string(),
        hub_username: case.person.hub_username_text().to_owned(),
        reason: case.reason.clone(),
        effective_at: case.effective_at.map(when),
        rule: link.rule.clone(),
        approver: link.approver.clone(),
        steps,
        status: status(state, link, case).await?,
        preselect: None,
        flash: None,
        promotion: promotion(state, link, case).await,
    })
}

/// The promotion `link`'s request asks about, if any, with the members who may take it.
async fn promotion(state: &AppState, link: &LinkView, case: &Case) -> Option<Promotion> {
    let promotes = link.steps.iter().any(|id| {
        case.step(*id)
            .is_some_and(|s| s.kind == leaver_core::StepKind::ReassignLastAdmin)
    });
    if !promotes {
        return None;
    }
    // The org index is cached; a Hub that cannot be read leaves only the current choice.
    let candidates = state
        .app
        .successor_candidates(case)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.username, format!("{}: {}", c.org, c.role)))
        .collect();
    Some(Promotion {
        current: case
            .successor
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        candidates,
    })
}

async fn status(state: &AppState, link: &LinkView, case: &Case) -> Result<Status, AppError> {
    let word = |d: Decision| {
        if d == Decision::Approve {
            "approved"
        } else {
            "rejected"
        }
    };
    if let (Some(decision), Some(at)) = (link.decision, link.decided_at) {
        let kept = link
            .rejected_steps
            .iter()
            .filter_map(|id| case.step(*id))
            .map(|s| leaver_core::describe::describe(case, s))
            .collect();
        return Ok(Status::Decided {
            decision: word(decision),
            by: link.approver.clone(),
            at: when(at),
            reason: link.reason.clone(),
            kept,
        });
    }
    if let Some(to) = &link.moved_to {
        return Ok(Status::Moved {
            to: to.clone(),
            at: link.superseded_at.map(when).unwrap_or_default(),
        });
    }
    if link.case_state.is_closed() {
        return Ok(Status::Closed {
            state: link.case_state,
        });
    }
    if link.request_state != RequestState::Open {
        let links = state.app.approval_links_of(link.case_id).await?;
        let decider = links
            .into_iter()
            .find(|l| l.request_id == link.request_id && l.decided_at.is_some());
        return Ok(match decider {
            Some(d) => Status::Settled {
                decision: word(d.decision.unwrap_or(Decision::Approve)),
                by: d.approver,
                at: d.decided_at.map(when).unwrap_or_default(),
            },
            None => Status::Closed {
                state: link.case_state,
            },
        });
    }
    if link.superseded_at.is_some() {
        return Ok(Status::Superseded);
    }
    if link.expires_at <= state.app.now() {
        return Ok(Status::Expired {
            at: when(link.expires_at),
        });
    }
    Ok(Status::Open)
}

/// Finds the link for `token`, or answers 404. The lookup counts against the caller's
/// allowance before it is made, and is forgiven when it finds a link (see [`GuessBrake`]).
///
/// [`GuessBrake`]: crate::GuessBrake
pub async fn find(
    state: &AppState,
    token: &str,
    ip: std::net::IpAddr,
) -> Result<(LinkView, Case), Response> {
    if !state.guesses.count_attempt(ip) {
        return Err(too_many());
    }
    let found = if well_formed(token) {
        state
            .app
            .approval_link(token)
            .await
            .map_err(|e| AppError::from(e).into_response())?
    } else {
        None
    };
    let Some(found) = found else {
        return Err(miss());
    };
    state.guesses.forgive(ip);
    Ok(found)
}

/// Whether `token` looks like a link's secret (64 hex digits); others are not looked up.
pub fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The answer to a link that does not exist (the attempt stays counted against the caller).
pub fn miss() -> Response {
    (
        StatusCode::NOT_FOUND,
        private(),
        "This approval link is not valid. Ask the sender for a new one.",
    )
        .into_response()
}

/// The answer to a caller over its allowance of unknown links.
pub fn too_many() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        private(),
        "Too many invalid approval links from your address; wait a minute.",
    )
        .into_response()
}

/// Headers every approval response carries: the URL holds a secret.
pub fn private() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        // Not `no-referrer`: with it, browsers send `Origin: null` on the page's own form POST,
        // which the cross-site check must refuse. `same-origin` keeps the URL (and its secret)
        // from every other site.
        HeaderValue::from_static("same-origin"),
    );
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    headers
}

/// The page with the private headers.
pub fn respond(status: StatusCode, page: ApprovalPage) -> Response {
    (status, private(), page).into_response()
}
