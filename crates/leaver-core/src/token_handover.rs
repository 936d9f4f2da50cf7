//! When raw Hub tokens may still be handed over for a case to revoke: while the case is open and
//! before its `flag_tokens` step is approved. Once approved the step may be running, and a token
//! arriving then could be held for ever, never revoked. And how many one case may hold.

use crate::{Case, DomainError, StepKind, StepState};

/// At most this many tokens are held for one case; handing over more is refused.
pub const MAX_TOKENS_PER_CASE: usize = 100;

const EVENT: &str = "hold tokens to revoke";

/// `Ok` if tokens may be handed over for `case` now; else why not.
pub fn may_hand_over_tokens(case: &Case) -> Result<(), DomainError> {
    if case.state.is_closed() {
        return Err(DomainError::IllegalCaseTransition {
            state: case.state,
            event: EVENT,
        });
    }
    let started = case.steps.iter().find(|s| {
        s.kind == StepKind::FlagTokens
            && !matches!(s.state, StepState::Planned | StepState::AwaitingApproval)
    });
    match started {
        Some(step) => Err(DomainError::IllegalStepTransition {
            step: step.id,
            state: step.state,
            event: EVENT,
        }),
        None => Ok(()),
    }
}

/// `Ok` if a case holding `held` tokens, `added` of them just handed over, is within
/// [`MAX_TOKENS_PER_CASE`]; else the error names `tokens`.
pub fn within_token_cap(held: usize, added: usize) -> Result<(), DomainError> {
    if held <= MAX_TOKENS_PER_CASE {
        return Ok(());
    }
    Err(DomainError::InvalidText {
        field: "tokens",
        message: format!(
            "a case holds at most {MAX_TOKENS_PER_CASE} tokens: this one holds {} and these would add {added}",
            held.saturating_sub(added)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CaseId, CaseState, NewStep, StepId, Strategy, Target, Ticket, TicketInput};
    use time::OffsetDateTime;

    /// An open case whose `flag_tokens` step is in `state`.
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
        let planned = crate::Event::Planned {
            steps: vec![NewStep {
                id: StepId::random(),
                kind: StepKind::FlagTokens,
                target: Target::Person("bob".into()),
                strategy: Strategy::Api,
                needs_approval: true,
            }],
            blocked_reason: None,
        };
        let open = Case::open(CaseId::random(), &ticket, now);
        let mut case = crate::apply(&open, planned, now).expect("planned").case;
        case.steps[0].state = state;
        case
    }

    #[test]
    fn tokens_are_taken_until_flag_tokens_is_approved_and_never_on_a_closed_case() {
        use StepState as S;
        for (state, taken) in [
            (S::Planned, true),
            (S::AwaitingApproval, true),
            (S::Approved, false),
            (S::Running, false),
            (S::Failed, false),
            (S::WaitingManual, false),
            (S::Succeeded, false),
            (S::Rejected, false),
        ] {
            let case = case_with_flag_tokens(state);
            assert_eq!(may_hand_over_tokens(&case).is_ok(), taken, "{state}");
        }
        for closed in [CaseState::Completed, CaseState::Cancelled] {
            let mut case = case_with_flag_tokens(S::AwaitingApproval);
            case.state = closed;
            assert!(
                matches!(
                    may_hand_over_tokens(&case),
                    Err(DomainError::IllegalCaseTransition { .. })
                ),
                "{closed}"
            );
        }
        let mut planning = case_with_flag_tokens(S::Planned);
        planning.steps.clear();
        assert_eq!(may_hand_over_tokens(&planning), Ok(()), "before any plan");
    }

    #[test]
    fn a_case_holds_at_most_the_cap() {
        assert_eq!(within_token_cap(MAX_TOKENS_PER_CASE, 20), Ok(()));
        let Err(DomainError::InvalidText { field, message }) =
            within_token_cap(MAX_TOKENS_PER_CASE + 1, 2)
        else {
            panic!("over the cap is refused")
        };
        assert_eq!(field, "tokens");
        assert!(
            message.contains("holds 99 and these would add 2"),
            "{message}"
        );
    }
}
