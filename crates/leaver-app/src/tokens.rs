//! Raw Hub tokens of the person leaving (found by a secret scanner, say), handed over for the
//! case's `flag_tokens` step, which revokes those the Hub says are the leaver's. They are sealed
//! before they are stored and never shown again: answers and the audit trail name them by
//! fingerprint. Leaver's own Hub token is refused, and so are more than [`MAX_PER_REQUEST`]
//! tokens at once or more than [`MAX_TOKENS_PER_CASE`](leaver_store::held_tokens::MAX_TOKENS_PER_CASE)
//! for one case.

use crate::{Error, Leaver, Result};
use leaver_core::{CaseId, DomainError, FieldError, HubTokenValue};
use leaver_store::{Actor, Held, StoreError, TokenSealer, TokenStore};

/// At most this many tokens in one hand-over.
pub const MAX_PER_REQUEST: usize = 20;

/// The field names of the items: `FieldError` takes `&'static str`, and a hand-over holds at
/// most [`MAX_PER_REQUEST`] of them.
#[rustfmt::skip]
const ITEM_FIELDS: [&str; MAX_PER_REQUEST] = [
    "tokens[0]", "tokens[1]", "tokens[2]", "tokens[3]", "tokens[4]", "tokens[5]", "tokens[6]",
    "tokens[7]", "tokens[8]", "tokens[9]", "tokens[10]", "tokens[11]", "tokens[12]",
    "tokens[13]", "tokens[14]", "tokens[15]", "tokens[16]", "tokens[17]", "tokens[18]",
    "tokens[19]",
];

impl Leaver {
    /// Seals and holds `raw` tokens for case `id`. A value that is not a Hub token, or is
    /// Leaver's own, is named by its place (`tokens[i]`) without being repeated; a case whose
    /// `flag_tokens` step can no longer take tokens is a conflict that says how to revoke them.
    pub async fn hold_tokens(&self, id: CaseId, raw: &[String], actor: &Actor) -> Result<Held> {
        let sealer = &self
            .running
            .as_ref()
            .ok_or_else(|| {
                Error::Unavailable(
                    "tokens cannot be held: Leaver has no secret key to seal them".into(),
                )
            })?
            .sealer;
        let tokens = parse(raw, sealer)?;
        self.store
            .hold_tokens(id, &tokens, sealer, actor, self.now())
            .await
            .map_err(|e| match e {
                StoreError::Domain(
                    why @ (DomainError::IllegalCaseTransition { .. }
                    | DomainError::IllegalStepTransition { .. }),
                ) => Error::Conflict(format!(
                    "{why}: revoke the tokens yourself with POST https://huggingface.co/api/credentials/revoke \
                     (no authentication needed)"
                )),
                other => other.into(),
            })
    }
}

/// Every value parsed, or the wrong items named (without repeating them).
fn parse(raw: &[String], sealer: &TokenSealer) -> Result<Vec<HubTokenValue>> {
    if raw.is_empty() {
        return Err(Error::invalid("tokens", "name at least one token"));
    }
    if raw.len() > MAX_PER_REQUEST {
        return Err(Error::invalid(
            "tokens",
            format!(
                "at most {MAX_PER_REQUEST} tokens per request, got {}",
                raw.len()
            ),
        ));
    }
    let mut tokens = Vec::with_capacity(raw.len());
    let mut errors = Vec::new();
    for (value, field) in raw.iter().zip(ITEM_FIELDS) {
        let message = match HubTokenValue::parse(value) {
            Ok(token) if sealer.is_leavers_own(&token) => {
                "is Leaver's own Hub token, which is never revoked".to_owned()
            }
            Ok(token) => {
                tokens.push(token);
                continue;
            }
            Err(why) => why,
        };
        errors.push(FieldError { field, message });
    }
    if errors.is_empty() {
        Ok(tokens)
    } else {
        Err(Error::Invalid(errors))
    }
}
