//! A case opened before anyone could say which Hub account the person holds: the identity
//! provider deprovisioned them without Leaver's `hubUsername`, and the Hub's managed-SSO users
//! gave none for their address (or an HR webhook sent none). Such a case waits in
//! `needs_attention` with [`AWAITING_HUB_USERNAME`] as its reason and no plan: nothing is
//! discovered, planned or changed on the Hub until the name is set (the case PATCH's
//! `person.hub_username`, or the identity provider sending it later). Setting it plans the case
//! as if it had opened with it. Once known, the name no longer changes (it says whose access
//! is taken away).

use crate::{Case, Effect};

/// Why a case without a Hub username waits, as the case page, the API and the operator's
/// notice say it.
pub const AWAITING_HUB_USERNAME: &str = "waiting for the Hub username: nobody said which Hugging Face account this person holds; set person.hub_username on the case and it is planned";

/// What is shown where the Hub username of a case that awaits it would be.
pub const UNKNOWN_HUB_USERNAME: &str = "(Hub username not known yet)";

impl Case {
    /// Whether the case waits for its leaver's Hub username (nothing is planned until then).
    pub fn awaits_hub_username(&self) -> bool {
        self.person.hub_username.is_none()
    }

    /// The work that follows the opening of this case: planning it, or, while it awaits the
    /// Hub username, telling the operators what it waits for.
    pub fn opening_effects(&self) -> Vec<Effect> {
        match &self.blocked_reason {
            Some(reason) if self.awaits_hub_username() => vec![Effect::NotifyOperator {
                reason: reason.clone(),
            }],
            _ => vec![Effect::PlanCase],
        }
    }
}

/// The Hub username was set on a case that waited for it: the wait ends and the case is
/// planned.
pub(crate) fn hub_username_known(case: &Case, next: &mut Case, effects: &mut Vec<Effect>) {
    if case.blocked_reason.as_deref() == Some(AWAITING_HUB_USERNAME) {
        next.blocked_reason = None;
    }
    if case.steps.is_empty() && !effects.contains(&Effect::PlanCase) {
        effects.push(Effect::PlanCase);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::HubUsernameRule;
    use crate::{CaseId, CaseState, Event, Ticket, TicketChange, TicketInput, apply};
    use time::OffsetDateTime;

    fn waiting() -> Case {
        let input = TicketInput {
            external_id: Some("scim:1".into()),
            email: Some("bob@acme.test".into()),
            manager_email: Some("erin@acme.test".into()),
            ..TicketInput::default()
        };
        let ticket = Ticket::parse_by(&input, &crate::input::Zone::utc(), HubUsernameRule::MayWait)
            .expect("ticket");
        Case::open(CaseId::random(), &ticket, OffsetDateTime::UNIX_EPOCH)
    }

    #[test]
    fn a_case_without_a_hub_username_opens_waiting_and_tells_the_operators() {
        let case = waiting();
        assert!(case.awaits_hub_username());
        assert_eq!(case.state, CaseState::NeedsAttention);
        assert_eq!(case.blocked_reason.as_deref(), Some(AWAITING_HUB_USERNAME));
        assert_eq!(
            case.opening_effects(),
            [Effect::NotifyOperator {
                reason: AWAITING_HUB_USERNAME.into()
            }]
        );
    }

    #[test]
    fn a_waiting_case_cannot_be_planned() {
        let event = Event::Planned {
            steps: Vec::new(),
            blocked_reason: None,
        };
        assert!(apply(&waiting(), event, OffsetDateTime::UNIX_EPOCH).is_err());
    }

    #[test]
    fn setting_the_hub_username_ends_the_wait_and_plans_the_case() {
        let case = waiting();
        let to = crate::HubUsername::parse("bob").expect("name");
        let event = Event::TicketUpdated {
            changes: vec![TicketChange::HubUsername { from: None, to }],
        };
        let t = apply(&case, event, OffsetDateTime::UNIX_EPOCH).expect("set");
        assert_eq!(t.case.state, CaseState::Planning);
        assert_eq!(t.case.blocked_reason, None);
        assert_eq!(
            t.case.person.hub_username.as_ref().map(|u| u.as_str()),
            Some("bob")
        );
        assert!(t.effects.contains(&Effect::PlanCase), "{:?}", t.effects);
    }
}
