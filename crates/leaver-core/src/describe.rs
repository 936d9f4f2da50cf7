//! Steps in plain words, for approvers and operators.

use crate::{Case, Step, StepKind, Strategy, Target};

/// What the step does, as a sentence: "Remove bob from acme-ai".
pub fn describe(case: &Case, step: &Step) -> String {
    let leaver = case.person.hub_username_text();
    let place = match &step.target {
        Target::Org(org) => org.clone(),
        Target::Repo { repo_type, id } => format!("the gated {} {id}", repo_type.as_str()),
        Target::Person(user) => user.clone(),
        Target::App(app) => app.clone(),
        Target::Case => "the Hub".into(),
    };
    match step.kind {
        StepKind::Refresh => format!(
            "Read {place} afresh before the first change: what {leaver} gained since planning is taken away too"
        ),
        StepKind::ReassignLastAdmin => match &case.successor {
            Some(successor) => {
                format!("Make {successor} an admin of {place}, since {leaver} is its last admin")
            }
            None => {
                format!("Promote a successor to admin of {place}, since {leaver} is its last admin")
            }
        },
        StepKind::StripAccess => format!(
            "Set {leaver}'s role in {place} to no access and remove them from its resource groups"
        ),
        StepKind::RevokeGatedAccess => format!("Revoke {leaver}'s access to {place}"),
        StepKind::RemoveMember => format!("Remove {leaver} from {place}"),
        StepKind::CancelInvitation => format!("Cancel {leaver}'s pending invitation to {place}"),
        StepKind::DeprovisionApp => {
            format!("Deactivate or delete {leaver}'s account in {place} (through its SCIM API)")
        }
        StepKind::FlagTokens => format!(
            "Revoke the raw tokens of {leaver} handed to Leaver, if any, and have a person check Tokens Management"
        ),
        StepKind::Verify => {
            format!(
                "Check every managed org and gated repo on {place} for anything {leaver} still holds, and keep the evidence"
            )
        }
    }
}

/// [`describe`], saying for `flag_tokens` what Leaver does with the tokens it holds for the case
/// (`held`: their fingerprints) or that it holds none, and what a person must do.
pub fn describe_with_tokens(case: &Case, step: &Step, held: &[String]) -> String {
    match step.kind {
        StepKind::FlagTokens => {
            crate::tokens_ack::tokens_plan_words(case.person.hub_username_text(), held)
        }
        _ => describe(case, step),
    }
}

/// How the step is carried out, in words.
pub fn how(step: &Step) -> &'static str {
    if step.kind == StepKind::FlagTokens {
        return crate::tokens_ack::TOKENS_HOW;
    }
    match step.strategy {
        Strategy::Api => "automatically, through the Hub API",
        Strategy::Scim if matches!(step.target, Target::App(_)) => {
            "automatically, through the app's SCIM API"
        }
        Strategy::Scim => "automatically, through the org's SCIM endpoint",
        Strategy::Manual => "by an admin on huggingface.co, then checked by Leaver",
    }
}
