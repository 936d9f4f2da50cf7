//! The person's half of `flag_tokens`: an org admin cannot list a member's personal tokens
//! through the API, so somebody must look in each org's Tokens Management. Their "I checked
//! Tokens Management" is an acknowledgement on the case, with who gave it and when. By default
//! the step does not wait for it (removal already cut the tokens off the org's private
//! resources) and it is recorded whenever given; when policy requires it, the step waits
//! (`waiting_manual`) until it is given. Also the words that say what Leaver itself does with
//! the raw tokens it holds, for the approval email and the pages.

use crate::transition::Effect;
use crate::{Case, CaseState, DomainError, Step, StepKind, StepState};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Somebody said they checked Tokens Management for the case's leaver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensAck {
    /// Who acknowledged (`operator:ops@acme.test`, `cli`, `api:hr`).
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

const EVENT: &str = "acknowledge the Tokens Management check";

/// The case's `flag_tokens` step, unless it will not run (skipped, rejected).
pub fn flag_tokens_step(case: &Case) -> Option<&Step> {
    case.steps.iter().find(|s| {
        s.kind == StepKind::FlagTokens
            && !matches!(s.state, StepState::Skipped | StepState::Rejected)
    })
}

/// Whether the case still waits for somebody to check Tokens Management: it has a
/// `flag_tokens` step that will run, and nobody acknowledged yet.
pub fn awaits_ack(case: &Case) -> bool {
    case.tokens_ack.is_none()
        && case.state != CaseState::Cancelled
        && flag_tokens_step(case).is_some()
}

/// Records `by`'s acknowledgement at `now` on `next` (a copy of `case`). A `flag_tokens` step
/// waiting for a person is looked at again (it succeeds if the acknowledgement was all it
/// waited for). Refused when there is nothing to acknowledge or it was given already.
pub(crate) fn acknowledge(
    case: &Case,
    next: &mut Case,
    by: String,
    now: OffsetDateTime,
) -> Result<Vec<Effect>, DomainError> {
    if case.tokens_ack.is_some() {
        return Err(DomainError::IllegalCaseTransition {
            state: case.state,
            event: "acknowledge the Tokens Management check again",
        });
    }
    let step = flag_tokens_step(case)
        .filter(|_| case.state != CaseState::Cancelled)
        .ok_or(DomainError::IllegalCaseTransition {
            state: case.state,
            event: EVENT,
        })?;
    next.tokens_ack = Some(TokensAck { by, at: now });
    if step.state == StepState::WaitingManual {
        // Not marked done here: the step's check decides whether anything else (a token of
        // someone else) still needs a person.
        return Ok(vec![Effect::PollManualStep { step: step.id }]);
    }
    Ok(Vec::new())
}

/// Whether `event` on `case` leaves its `updated_at` alone: an acknowledgement given after the
/// case completed is recorded with its own time, and the case keeps its completion time, from
/// which the drift watch counts.
pub(crate) fn keeps_completion_time(case: &Case, event: &crate::Event) -> bool {
    case.state == CaseState::Completed && matches!(event, crate::Event::TokensAcknowledged { .. })
}

/// The orgs the case's steps act on, each once: where Tokens Management must be checked.
pub fn orgs(case: &Case) -> Vec<&str> {
    let mut orgs: Vec<&str> = case.steps.iter().filter_map(|s| s.target.org()).collect();
    orgs.sort_unstable();
    orgs.dedup();
    orgs
}

/// Whether raw tokens may still be handed over for the case.
pub fn may_hand_over(case: &Case) -> bool {
    crate::token_handover::may_hand_over_tokens(case).is_ok()
}

/// The Tokens Management page of `org`.
pub fn tokens_management_url(org: &str) -> String {
    format!("https://huggingface.co/organizations/{org}/settings/tokens-management")
}

/// What Leaver does with the raw tokens it holds for the case (by fingerprint, never a value)
/// and what a person must do, in one sentence for the approval email and pages.
pub fn tokens_plan_words(leaver: &str, held: &[String]) -> String {
    let leaver_side = if held.is_empty() {
        format!("Leaver holds no token of {leaver}, so it revokes none itself")
    } else {
        format!(
            "Leaver revokes through the Hub API the {} raw token(s) handed to it for {leaver} ({}), once the Hub confirms each is {leaver}'s",
            held.len(),
            held.join(", ")
        )
    };
    format!(
        "{leaver_side}. A person must check each org's Tokens Management for tokens owned by {leaver}, revoke them, and acknowledge it on the case page (\"I checked Tokens Management\")"
    )
}

/// How `flag_tokens` is carried out, in words.
pub const TOKENS_HOW: &str =
    "Leaver revokes only the tokens handed to it; an admin checks Tokens Management by hand";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transition::derive_state;
    use crate::{CaseId, Event, NewStep, StepId, Strategy, Target, Ticket, TicketInput, apply};

    /// A case whose `flag_tokens` step is in `state` (the case's state derived from it).
    fn case_with_flag_tokens(state: StepState) -> Case {
        let ticket = Ticket::parse(&TicketInput {
            external_id: Some("HR-1".into()),
            email: Some("bob@acme.test".into()),
            hub_username: Some("bob".into()),
            manager_email: Some("erin@acme.test".into()),
            ..TicketInput::default()
        })
        .expect("ticket");
        let now = OffsetDateTime::UNIX_EPOCH;
        let planned = Event::Planned {
            steps: vec![NewStep {
                id: StepId::random(),
                kind: StepKind::FlagTokens,
                target: Target::Case,
                strategy: Strategy::Api,
                needs_approval: true,
            }],
            blocked_reason: None,
        };
        let open = Case::open(CaseId::random(), &ticket, now);
        let mut case = apply(&open, planned, now).expect("planned").case;
        case.steps[0].state = state;
        case.state = derive_state(&case);
        case
    }

    fn ack(by: &str) -> Event {
        Event::TokensAcknowledged { by: by.into() }
    }

    #[test]
    fn the_acknowledgement_is_recorded_with_who_and_when_in_every_state_the_step_runs_or_ran() {
        use StepState as S;
        let at = OffsetDateTime::UNIX_EPOCH + time::Duration::hours(5);
        for (state, polls) in [
            (S::AwaitingApproval, false),
            (S::Approved, false),
            (S::Running, false),
            (S::WaitingManual, true),
            (S::Succeeded, false),
        ] {
            let case = case_with_flag_tokens(state);
            assert!(awaits_ack(&case), "{state}");
            let t = apply(&case, ack("operator:ops@acme.test"), at).expect("acknowledged");
            let given = t.case.tokens_ack.clone().expect("recorded");
            assert_eq!(
                (given.by.as_str(), given.at),
                ("operator:ops@acme.test", at)
            );
            assert!(!awaits_ack(&t.case), "{state}");
            assert_eq!(
                t.case.steps[0].state, state,
                "the step is not changed by it"
            );
            let completed = case.state == CaseState::Completed;
            assert_eq!(t.case.updated_at == case.updated_at, completed, "{state}");
            let step = case.steps[0].id;
            assert_eq!(
                t.effects.contains(&Effect::PollManualStep { step }),
                polls,
                "{state}: {:?}",
                t.effects
            );
            let again = apply(&t.case, ack("cli"), at);
            assert!(
                matches!(again, Err(DomainError::IllegalCaseTransition { .. })),
                "given once: {state}"
            );
        }
    }

    #[test]
    fn nothing_to_acknowledge_without_a_tokens_step_that_runs_or_on_a_cancelled_case() {
        for state in [StepState::Skipped, StepState::Rejected] {
            let case = case_with_flag_tokens(state);
            assert!(!awaits_ack(&case), "{state}");
            assert!(
                apply(&case, ack("cli"), OffsetDateTime::UNIX_EPOCH).is_err(),
                "{state}"
            );
        }
        let mut cancelled = case_with_flag_tokens(StepState::AwaitingApproval);
        cancelled.state = CaseState::Cancelled;
        assert!(!awaits_ack(&cancelled));
        assert!(apply(&cancelled, ack("cli"), OffsetDateTime::UNIX_EPOCH).is_err());
    }

    #[test]
    fn the_words_say_what_leaver_holds_by_fingerprint_or_that_it_holds_none() {
        let none = tokens_plan_words("bob", &[]);
        assert!(none.starts_with("Leaver holds no token of bob, so it revokes none itself"));
        assert!(none.contains("Tokens Management"));
        assert!(!none.contains("automatically"));
        let held = [
            "hf_…6789 sha256:ab".to_owned(),
            "hf_…4321 sha256:cd".to_owned(),
        ];
        let some = tokens_plan_words("bob", &held);
        assert!(some.contains(
            "the 2 raw token(s) handed to it for bob (hf_…6789 sha256:ab, hf_…4321 sha256:cd)"
        ));
        assert!(some.contains("Tokens Management"));
    }
}
