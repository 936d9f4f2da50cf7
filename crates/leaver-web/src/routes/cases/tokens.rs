//! The case page's token actions (`templates/cases/tokens.html`), each a CSRF-checked POST form:
//! hand over raw Hub tokens of the leaver, one per line, for the case's `flag_tokens` step to
//! revoke (`POST /cases/{id}/tokens`, the same use case as the REST API; the tokens are never
//! shown again, only their fingerprints), and "I checked Tokens Management"
//! (`POST /cases/{id}/tokens/acknowledge`), recorded with who and when.

use crate::auth::CsrfForm;
use crate::views::PageError;
use crate::{AppError, AppState};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::post;
use leaver_app::model::Actor;
use leaver_core::CaseId;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/tokens", post(hand_over))
        .route("/cases/{id}/tokens/acknowledge", post(acknowledge))
}

/// The textarea: raw tokens, one per line.
#[derive(Deserialize)]
struct Tokens {
    tokens: Option<String>,
}

// Never derived: the form holds secrets.
impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens(..)")
    }
}

#[derive(Debug, Deserialize)]
struct Empty {}

fn case_id(raw: &str) -> Result<CaseId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// The non-blank lines of `text`, trimmed.
pub(crate) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[tracing::instrument(skip_all, fields(case_id = %id))]
async fn hand_over(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, form }: CsrfForm<Tokens>,
) -> Result<Redirect, PageError> {
    let id = case_id(&id)?;
    let tokens = lines(form.tokens.as_deref().unwrap_or_default());
    let actor = Actor::operator(&operator.email);
    let held = state.app.hold_tokens(id, &tokens, &actor).await?;
    Ok(Redirect::to(&format!(
        "/cases/{id}?notice=tokens_held&added={}",
        held.added
    )))
}

#[tracing::instrument(skip_all, fields(case_id = %id))]
async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { operator, .. }: CsrfForm<Empty>,
) -> Result<Redirect, PageError> {
    let id = case_id(&id)?;
    let actor = Actor::operator(&operator.email);
    state.app.acknowledge_tokens(id, &actor).await?;
    Ok(Redirect::to(&format!(
        "/cases/{id}?notice=tokens_acknowledged"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_token_per_line_blank_lines_and_spaces_dropped() {
        assert_eq!(
            lines("hf_a\r\n\n  hf_b  \n\t\n"),
            vec!["hf_a".to_owned(), "hf_b".to_owned()]
        );
        assert!(lines("\n \n").is_empty());
    }
}
