//! Approval policy, pure: who must approve which steps, and what a set of decisions means.
//!
//! A policy is a list of rules. Each rule covers some step kinds and names approvers (the
//! leaver's manager, or addresses such as a security group); `any` needs one yes, `all` needs
//! everyone's. A step runs once every rule that covers it is satisfied; one rejection of a rule
//! rejects the steps that rule covers. Nobody approves their own offboarding: the leaver's
//! address is never asked, whatever the policy says.

use crate::{Case, EmailAddress, StepId, StepKind};
use serde::{Deserialize, Serialize};

/// Who approves: the leaver's manager (from the ticket) or a fixed address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approver {
    Manager,
    Email(EmailAddress),
}

/// Whether one approver's yes is enough, or every approver's is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Any,
    All,
}

/// One rule of the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// A short name shown to approvers and in the audit trail (`manager`, `security`).
    pub name: String,
    pub approvers: Vec<Approver>,
    /// The step kinds it covers; empty means every step that needs approval.
    #[serde(default)]
    pub kinds: Vec<StepKind>,
    pub mode: Mode,
}

/// The approval policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub rules: Vec<Rule>,
    /// Asked when nobody else can be (every approver was the leaver), and after the escalation
    /// delay. An escalation target's yes satisfies the rule on its own.
    pub escalate_to: Vec<EmailAddress>,
}

impl Policy {
    /// The default: the manager approves the whole plan; a security group, if given, also
    /// approves promoting a successor and removing members.
    pub fn standard(security: Vec<EmailAddress>, escalate_to: Vec<EmailAddress>) -> Policy {
        let mut rules = vec![Rule {
            name: "manager".into(),
            approvers: vec![Approver::Manager],
            kinds: vec![],
            mode: Mode::Any,
        }];
        if !security.is_empty() {
            rules.push(Rule {
                name: "security".into(),
                approvers: security.into_iter().map(Approver::Email).collect(),
                kinds: vec![StepKind::ReassignLastAdmin, StepKind::RemoveMember],
                mode: Mode::Any,
            });
        }
        Policy { rules, escalate_to }
    }
}

/// A request to create: one rule's steps and the addresses to ask.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDraft {
    pub rule: String,
    pub mode: Mode,
    pub steps: Vec<StepId>,
    pub approvers: Vec<EmailAddress>,
}

/// The requests for `steps` of `case` under `policy`.
pub fn requests_for(policy: &Policy, case: &Case, steps: &[StepId]) -> Vec<RequestDraft> {
    let leaver = &case.person.email;
    policy
        .rules
        .iter()
        .filter_map(|rule| {
            let covered: Vec<StepId> = steps
                .iter()
                .copied()
                .filter(|id| {
                    case.step(*id)
                        .is_some_and(|s| rule.kinds.is_empty() || rule.kinds.contains(&s.kind))
                })
                .collect();
            if covered.is_empty() {
                return None;
            }
            let resolve = |a: &Approver| match a {
                Approver::Manager => case.manager_email.clone(),
                Approver::Email(email) => email.clone(),
            };
            // `Bob@acme.test` and `bob+boss@acme.test` are the leaver too.
            let not_leaver = |a: &EmailAddress| !a.same_mailbox(leaver);
            let mut approvers: Vec<EmailAddress> = rule
                .approvers
                .iter()
                .map(resolve)
                .filter(not_leaver)
                .collect();
            if approvers.is_empty() {
                approvers = policy
                    .escalate_to
                    .iter()
                    .filter(|a| not_leaver(a))
                    .cloned()
                    .collect();
            }
            approvers.sort();
            approvers.dedup();
            Some(RequestDraft {
                rule: rule.name.clone(),
                mode: rule.mode,
                steps: covered,
                approvers,
            })
        })
        .collect()
}

/// One approver's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

/// What is known of one approver on a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vote {
    pub decision: Option<Decision>,
    /// Asked because the request was escalated: their yes settles the rule.
    pub escalation: bool,
}

/// Where a request stands given its votes: `None` while undecided.
pub fn outcome(mode: Mode, votes: &[Vote]) -> Option<Decision> {
    if votes.iter().any(|v| v.decision == Some(Decision::Reject)) {
        return Some(Decision::Reject);
    }
    let yes = |v: &&Vote| v.decision == Some(Decision::Approve);
    let regular: Vec<&Vote> = votes.iter().filter(|v| !v.escalation).collect();
    let settled = votes.iter().filter(|v| v.escalation).any(|v| yes(&v))
        || match mode {
            Mode::Any => regular.iter().any(yes),
            Mode::All => !regular.is_empty() && regular.iter().all(yes),
        };
    settled.then_some(Decision::Approve)
}

/// The steps every covering request approved, given each request's steps and outcome.
pub fn approved_steps(requests: &[(Vec<StepId>, Option<Decision>)]) -> Vec<StepId> {
    let mut steps: Vec<StepId> = requests
        .iter()
        .flat_map(|(steps, _)| steps.iter().copied())
        .collect();
    steps.sort();
    steps.dedup();
    steps.retain(|step| {
        requests
            .iter()
            .filter(|(covered, _)| covered.contains(step))
            .all(|(_, outcome)| *outcome == Some(Decision::Approve))
    });
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(decision: Option<Decision>) -> Vote {
        Vote {
            decision,
            escalation: false,
        }
    }

    #[test]
    fn any_needs_one_yes_and_all_needs_every_yes() {
        let votes = [vote(Some(Decision::Approve)), vote(None)];
        assert_eq!(outcome(Mode::Any, &votes), Some(Decision::Approve));
        assert_eq!(outcome(Mode::All, &votes), None);
        let both = [vote(Some(Decision::Approve)), vote(Some(Decision::Approve))];
        assert_eq!(outcome(Mode::All, &both), Some(Decision::Approve));
    }

    #[test]
    fn one_no_rejects_and_an_escalation_yes_settles() {
        assert_eq!(
            outcome(
                Mode::Any,
                &[vote(Some(Decision::Reject)), vote(Some(Decision::Approve))]
            ),
            Some(Decision::Reject)
        );
        let escalated = [
            vote(None),
            vote(None),
            Vote {
                decision: Some(Decision::Approve),
                escalation: true,
            },
        ];
        assert_eq!(outcome(Mode::All, &escalated), Some(Decision::Approve));
    }

    #[test]
    fn the_leaver_is_never_asked_however_their_address_is_spelt() {
        use crate::{Case, CaseId, Event, NewStep, Strategy, Target, Ticket, TicketInput, apply};
        let input = TicketInput {
            external_id: Some("HR-1".into()),
            email: Some("bob@acme.test".into()),
            hub_username: Some("bob".into()),
            manager_email: Some("erin@acme.test".into()),
            ..TicketInput::default()
        };
        let ticket = Ticket::parse(&input).expect("ticket");
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let step = NewStep {
            id: StepId::random(),
            kind: StepKind::RemoveMember,
            target: Target::Org("acme-ai".into()),
            strategy: Strategy::Api,
            needs_approval: true,
        };
        let planned = Event::Planned {
            steps: vec![step.clone()],
            blocked_reason: None,
        };
        let mut case = apply(&Case::open(CaseId::random(), &ticket, now), planned, now)
            .expect("planned")
            .case;
        // `Ticket::parse` refuses this; the policy must hold even for a case that slipped past.
        case.manager_email = EmailAddress::parse("Bob@acme.test").expect("email");
        let emails = |list: &[&str]| {
            list.iter()
                .map(|e| EmailAddress::parse(e).expect("email"))
                .collect()
        };
        let policy = Policy::standard(
            emails(&["BOB@acme.test", "sec@acme.test"]),
            emails(&["bob@ACME.test", "ciso@acme.test"]),
        );

        let drafts = requests_for(&policy, &case, &[step.id]);

        let asked: Vec<Vec<String>> = drafts
            .iter()
            .map(|d| d.approvers.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(
            asked,
            [
                vec!["ciso@acme.test".to_owned()],
                vec!["sec@acme.test".to_owned()]
            ]
        );
    }

    #[test]
    fn a_step_is_approved_only_when_every_covering_request_is() {
        let (a, b) = (
            StepId(uuid::Uuid::from_u128(1)),
            StepId(uuid::Uuid::from_u128(2)),
        );
        let requests = [(vec![a, b], Some(Decision::Approve)), (vec![b], None)];
        assert_eq!(approved_steps(&requests), vec![a]);
    }
}
