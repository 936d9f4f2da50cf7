//! `flag_tokens`: an org admin cannot list a member's personal tokens, so Leaver revokes the
//! raw tokens it was handed for the case (`POST /api/credentials/revoke`, which kills a token
//! everywhere) and tells the operator exactly what else to check; removal already cut the
//! tokens off the org's private repos.

use super::StepContext;
use crate::outcome::{Outcome, StepError};
use secrecy::SecretString;
use serde_json::json;

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    let revoked: Vec<String> = cx
        .held_tokens
        .iter()
        .map(|t| t.value.fingerprint())
        .collect();
    if !cx.held_tokens.is_empty() {
        let raw: Vec<SecretString> = cx
            .held_tokens
            .iter()
            .map(|t| SecretString::from(t.value.expose().to_owned()))
            .collect();
        // Always 202, even for unknown tokens; repeating it is harmless.
        cx.hub.revoke_credentials(&raw).await?;
    }
    let mut orgs: Vec<&str> = cx
        .case
        .steps
        .iter()
        .filter_map(|s| s.target.org())
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    let mut lines: Vec<String> = orgs
        .iter()
        .map(|org| instructions(cx.leaver(), org))
        .collect();
    if !revoked.is_empty() {
        lines.insert(
            0,
            format!(
                "Revoked everywhere the {} token(s) handed over: {}.",
                revoked.len(),
                revoked.join(", ")
            ),
        );
    }
    Ok(Outcome::Done {
        note: lines.join("\n"),
        evidence: json!({
            "orgs": orgs,
            "raw_tokens_revoked": revoked.len(),
            "revoked": revoked,
        }),
    })
}

/// What the operator should check in Tokens Management.
pub(crate) fn instructions(leaver: &str, org: &str) -> String {
    format!(
        "In https://huggingface.co/organizations/{org}/settings/tokens-management, look for tokens owned by {leaver} \
         (status approved or pending) and revoke them; their personal tokens outside the org cannot be revoked by the org."
    )
}
