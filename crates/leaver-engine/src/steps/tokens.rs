//! `flag_tokens`: an org admin cannot list a member's personal tokens, so Leaver settles the raw
//! tokens it was handed for the case and tells the operator exactly what else to check; removal
//! already cut the tokens off the org's private repos.
//!
//! A token handed over is not taken on trust. The Hub is asked whose it is (`whoami-v2`, with
//! the token itself as the bearer) and only the leaver's are revoked, everywhere
//! (`POST /api/credentials/revoke`). One the Hub answers 401 for is dead already. One of anybody
//! else (a colleague, a service account, Leaver's own) is left alive: revoking it on the word
//! of whoever handed it over would cut off its owner, or Leaver itself. It is still a secret of
//! someone else that got out, so the step then waits for an operator (the case needs
//! attention) and names each such token by fingerprint and owner; it completes when the
//! operator marks it done, so the trail shows who dealt with it and when.
//!
//! What the org's admins must check by hand (Tokens Management) is an acknowledgement on the
//! case (`leaver_core::tokens_ack`). The step does not wait for it unless
//! `tokens_ack_required` says so; then it waits (`waiting_manual`) until it is given.

use super::lost_answer::answer_lost;
use super::{Ran, StepContext};
use crate::outcome::{Outcome, StepError};
use leaver_core::HubTokenValue;
use leaver_store::held_tokens::{HeldState, HeldToken, Verdict};
use secrecy::SecretString;
use serde_json::json;

/// Settles the held tokens; the verdicts reached now come back with the outcome, to be
/// recorded with it.
pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Ran, StepError> {
    let mut settled = Vec::with_capacity(cx.held_tokens.len());
    let mut verdicts = Vec::new();
    let mut to_revoke = Vec::new();
    for token in cx.held_tokens {
        let verdict = match &token.state {
            // Settled by an attempt whose outcome was not recorded.
            HeldState::Settled(verdict) => verdict.clone(),
            HeldState::Waiting(value) => {
                let verdict = whose(cx, value).await?;
                if verdict == Verdict::Revoked {
                    to_revoke.push(secret(value));
                }
                verdicts.push(settle(token, verdict.clone()));
                verdict
            }
        };
        settled.push(settle(token, verdict));
    }
    if !to_revoke.is_empty() {
        // Always 202, even for unknown tokens. If its answer is lost, the Hub is asked whether
        // the tokens still work (a revoked one answers 401) rather than revoking them again.
        let lost = answer_lost(cx.hub.revoke_credentials(&to_revoke).await)?;
        if let Some(lost) = lost {
            for token in &to_revoke {
                if cx.hub.whoami_of(token).await?.is_some() {
                    return Err(StepError::Hub(lost));
                }
            }
        }
    }
    Ok(Ran {
        outcome: outcome(cx, &settled),
        verdicts,
        pass: None,
    })
}

/// `token` with its verdict (and no longer its value).
fn settle(token: &HeldToken, verdict: Verdict) -> HeldToken {
    HeldToken {
        state: HeldState::Settled(verdict),
        ..token.clone()
    }
}

fn secret(token: &HubTokenValue) -> SecretString {
    SecretString::from(token.expose().to_owned())
}

/// Asks the Hub whose `token` is.
async fn whose(cx: &StepContext<'_>, token: &HubTokenValue) -> Result<Verdict, StepError> {
    Ok(match cx.hub.whoami_of(&secret(token)).await? {
        None => Verdict::Dead,
        Some(owner) => judge(&owner.name, cx.leaver(), &cx.me.name),
    })
}

/// Only the leaver's own tokens are revoked, and never Leaver's (even if Leaver's account were
/// the leaver's). Usernames compare as the Hub compares them, ignoring case.
fn judge(owner: &str, leaver: &str, leavers_own_account: &str) -> Verdict {
    if owner.eq_ignore_ascii_case(leaver) && !owner.eq_ignore_ascii_case(leavers_own_account) {
        Verdict::Revoked
    } else {
        Verdict::NotRevoked {
            owner: owner.to_owned(),
        }
    }
}

/// Done, or waiting for an operator when a token of someone else was handed over.
fn outcome(cx: &StepContext<'_>, settled: &[HeldToken]) -> Outcome {
    let (mut revoked, mut dead, mut not_revoked) = (Vec::new(), Vec::new(), Vec::new());
    for token in settled {
        let fingerprint = token.fingerprint.as_str();
        match &token.state {
            HeldState::Settled(Verdict::Revoked) => revoked.push(fingerprint),
            HeldState::Settled(Verdict::Dead) => dead.push(fingerprint),
            HeldState::Settled(Verdict::NotRevoked { owner }) => {
                not_revoked.push(format!("{fingerprint} ({})", whom(cx, owner)));
            }
            HeldState::Waiting(_) => {}
        }
    }
    let leaver = cx.leaver();
    let orgs = orgs(cx);
    let held_none = settled
        .is_empty()
        .then(|| format!("Leaver held no raw token of {leaver}: it revoked none itself."));
    let lines: Vec<String> = [
        held_none,
        (!not_revoked.is_empty()).then(|| {
            format!(
                "NOT revoked, because the Hub says they are not {leaver}'s: {}. They were handed over as the \
                 leaver's and may have leaked: have their owners replace them (POST \
                 https://huggingface.co/api/credentials/revoke kills one for good), then mark this step done \
                 saying what was decided.",
                not_revoked.join(", ")
            )
        }),
        (!revoked.is_empty()).then(|| {
            format!(
                "Revoked everywhere the {} token(s) of {leaver} handed over: {}.",
                revoked.len(),
                revoked.join(", ")
            )
        }),
        (!dead.is_empty()).then(|| {
            format!(
                "Already dead (the Hub does not know them), nothing to revoke: {}.",
                dead.join(", ")
            )
        }),
    ]
    .into_iter()
    .flatten()
    .chain(orgs.iter().map(|org| instructions(leaver, org)))
    .chain(std::iter::once(person_check(cx)))
    .collect();
    if !not_revoked.is_empty() || (cx.config.tokens_ack_required && cx.case.tokens_ack.is_none()) {
        return Outcome::Manual {
            instructions: lines.join("\n"),
        };
    }
    Outcome::Done {
        note: lines.join("\n"),
        evidence: json!({
            "orgs": orgs,
            "raw_tokens_held": settled.len(),
            "raw_tokens_revoked": revoked.len(),
            "revoked": revoked,
            "already_dead": dead,
            "tokens_management_checked": cx.case.tokens_ack,
        }),
    }
}

/// Where the person's check stands: acknowledged (who, when), or still to do (and whether the
/// step waits for it).
fn person_check(cx: &StepContext<'_>) -> String {
    match &cx.case.tokens_ack {
        Some(ack) => format!("Tokens Management checked by {} at {}.", ack.by, ack.at),
        None if cx.config.tokens_ack_required => "Waiting for a person to check Tokens Management: press \"I checked Tokens Management\" on the case page (or leaver case tokens-ack) once done.".into(),
        None => "Still to do by a person, tracked on the case until acknowledged: press \"I checked Tokens Management\" on the case page (or leaver case tokens-ack) once done.".into(),
    }
}

/// Whether a `flag_tokens` step waiting for a person may now succeed: an operator marked it
/// done (`note`), or nothing is left but the acknowledgement, which was given.
pub(crate) fn check(cx: &StepContext<'_>) -> Option<String> {
    if let Some(note) = &cx.step.note {
        return Some(note.clone());
    }
    let someone_elses = cx.held_tokens.iter().any(|t| {
        matches!(
            t.state,
            HeldState::Settled(Verdict::NotRevoked { .. }) | HeldState::Waiting(_)
        )
    });
    match &cx.case.tokens_ack {
        Some(ack) if !someone_elses => Some(format!(
            "Tokens Management checked by {} at {}.",
            ack.by, ack.at
        )),
        _ => None,
    }
}

/// The orgs the case's steps act on, each once.
fn orgs<'a>(cx: &StepContext<'a>) -> Vec<&'a str> {
    let mut orgs: Vec<&str> = cx
        .case
        .steps
        .iter()
        .filter_map(|s| s.target.org())
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    orgs
}

/// A token's owner, in words.
fn whom(cx: &StepContext<'_>, owner: &str) -> String {
    if owner.eq_ignore_ascii_case(&cx.me.name) {
        format!("Leaver's own token, of {owner}")
    } else {
        format!("belongs to {owner}")
    }
}

/// What the operator should check in Tokens Management.
pub(crate) fn instructions(leaver: &str, org: &str) -> String {
    format!(
        "In {}, look for tokens owned by {leaver} \
         (status approved or pending) and revoke them; their personal tokens outside the org cannot be revoked by the org.",
        leaver_core::tokens_ack::tokens_management_url(org)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_leavers_tokens_are_revoked_names_compared_as_the_hub_does() {
        assert_eq!(judge("bob", "bob", "leaver-bot"), Verdict::Revoked);
        assert_eq!(judge("Bob", "bob", "leaver-bot"), Verdict::Revoked);
        assert_eq!(judge("bob", "BOB", "leaver-bot"), Verdict::Revoked);
        for (owner, leaver, me) in [
            ("carol", "bob", "leaver-bot"),
            ("leaver-bot", "bob", "leaver-bot"),
            ("Leaver-Bot", "bob", "leaver-bot"),
            ("bobby", "bob", "leaver-bot"),
            // Leaver's own account leaving: its token is still never revoked by Leaver.
            ("leaver-bot", "leaver-bot", "leaver-bot"),
        ] {
            assert_eq!(
                judge(owner, leaver, me),
                Verdict::NotRevoked {
                    owner: owner.into()
                },
                "{owner} for {leaver}"
            );
        }
    }
}
