//! Approval policy, pure: who must approve which steps, and what a set of decisions means.
//!
//! A policy is a list of rules. Each rule covers some step kinds and names approvers (the
//! leaver's manager, or addresses such as a security group); `any` needs one yes, `all` needs
//! everyone's. A step runs once every rule that covers it is satisfied; one rejection of a rule
//! rejects the steps that rule covers. Nobody approves their own offboarding: the leaver's
//! address is never asked, whatever the policy says.
//!
//! What becomes of the requests once asked is decided by their aggregate: [`Request`] (a link's
//! refusal, the votes under `any` and `all`, renewal) and [`CaseApprovals`] (what a decision
//! does to the case's steps).

mod case_approvals;
mod request;

pub use case_approvals::{Ballot, CaseApprovals, Recorded};
pub use request::{Link, LinkState, Refusal, Request, RequestState};

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
            let resolved: Vec<EmailAddress> = rule.approvers.iter().map(resolve).collect();
            let mut approvers = others_than(leaver, &resolved);
            if approvers.is_empty() {
                approvers = others_than(leaver, &policy.escalate_to);
            }
            Some(RequestDraft {
                rule: rule.name.clone(),
                mode: rule.mode,
                steps: covered,
                approvers,
            })
        })
        .collect()
}

/// What the operators are told when `rule` has nobody to ask (its only approver is the person
/// leaving, and no escalation target is set): its request would wait for ever.
pub fn nobody_to_ask(rule: &str) -> String {
    format!(
        "approval rule {rule:?} has nobody to ask: its only approver is the person leaving and no \
         escalation target is set. Name another approver in the policy, or cancel the case."
    )
}

/// The escalation targets asked about `leaver`'s offboarding: every one but the leaver.
pub fn escalation_targets(targets: &[EmailAddress], leaver: &EmailAddress) -> Vec<EmailAddress> {
    others_than(leaver, targets)
}

/// `addresses` without the leaver (`Bob@acme.test` and `bob+boss@acme.test` are the leaver too),
/// sorted, each once.
fn others_than(leaver: &EmailAddress, addresses: &[EmailAddress]) -> Vec<EmailAddress> {
    let mut others: Vec<EmailAddress> = addresses
        .iter()
        .filter(|a| !a.same_mailbox(leaver))
        .cloned()
        .collect();
    others.sort();
    others.dedup();
    others
}

/// One approver's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
