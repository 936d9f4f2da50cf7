//! `flag_tokens`: an org admin cannot list a member's personal tokens, so Leaver tells the
//! operator exactly what to check; removal already cut the tokens off the org's private repos.

use super::StepContext;
use crate::outcome::{Outcome, StepError};
use serde_json::json;

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    let orgs: Vec<&str> = cx
        .case
        .steps
        .iter()
        .filter_map(|s| s.target.org())
        .collect();
    let mut orgs = orgs;
    orgs.sort_unstable();
    orgs.dedup();
    let text = orgs
        .iter()
        .map(|org| instructions(cx.leaver(), org))
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Outcome::Done {
        note: text,
        evidence: json!({ "orgs": orgs, "raw_tokens_revoked": 0 }),
    })
}

/// What the operator should check in Tokens Management.
pub(crate) fn instructions(leaver: &str, org: &str) -> String {
    format!(
        "In https://huggingface.co/organizations/{org}/settings/tokens-management, look for tokens owned by {leaver} \
         (status approved or pending) and revoke them; their personal tokens outside the org cannot be revoked by the org."
    )
}
