//! A batch decides as one decision after the other would, on SQLite and (when
//! `TEST_POSTGRES_URL` is set) Postgres.

use super::{DecisionIn, decide_batch};
use crate::approvals::{
    ApprovalStore, Decided, DecisionOrigin, LinkView, MintedLink, NewRequest, hash_token,
};
use crate::{Actor, BatchItem, BatchWrite, Store, scratch};
use leaver_core::approval::{Decision, Mode, Refusal, RequestState};
use leaver_core::{
    CaseId, CaseState, EmailAddress, Event, NewStep, StepId, StepKind, StepState, Strategy, Target,
    Ticket, TicketInput,
};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

fn token(link: Uuid) -> String {
    format!("secret-of-{link}")
}

/// A link whose secret the test knows.
fn minted() -> MintedLink {
    let id = Uuid::now_v7();
    MintedLink {
        id,
        token_hash: hash_token(&token(id)),
    }
}

/// A case with two steps awaiting approval: the manager approves both, either of two security
/// people the removal. Returns the case and its links by approver.
async fn asked(
    store: &crate::SqlStore,
    user: &str,
    now: OffsetDateTime,
) -> (CaseId, Vec<LinkView>) {
    let ticket = Ticket::parse(&TicketInput {
        external_id: Some(format!("HR-{user}")),
        email: Some(format!("{user}@acme.test")),
        hub_username: Some(user.into()),
        manager_email: Some("erin@acme.test".into()),
        ..TicketInput::default()
    })
    .expect("ticket");
    let case = store
        .open_case(&ticket, CaseId::random(), &Actor::cli(), now)
        .await
        .expect("open")
        .case
        .id;
    let step = |kind| NewStep {
        id: StepId::random(),
        kind,
        target: Target::Org("acme-ai".into()),
        strategy: Strategy::Api,
        needs_approval: true,
    };
    let steps = vec![step(StepKind::StripAccess), step(StepKind::RemoveMember)];
    let ids: Vec<StepId> = steps.iter().map(|s| s.id).collect();
    let planned = Event::Planned {
        steps,
        blocked_reason: None,
    };
    store
        .record(case, vec![planned], &Actor::engine(), json!({}), None, now)
        .await
        .expect("plan");
    let expires_at = now + time::Duration::hours(72);
    let request = |rule: &str, steps: Vec<StepId>, approvers: &[&str]| NewRequest {
        rule: rule.into(),
        mode: Mode::Any,
        steps,
        links: approvers
            .iter()
            .map(|a| (EmailAddress::parse(a).expect("address"), minted()))
            .collect(),
        expires_at,
    };
    let requests = vec![
        request("manager", ids.clone(), &["erin@acme.test"]),
        request(
            "security",
            vec![ids[1]],
            &["sec1@acme.test", "sec2@acme.test"],
        ),
    ];
    let ask = BatchItem {
        case,
        lease: None,
        write: BatchWrite::AskApprovers { requests },
    };
    let asked = store
        .record_batch(&[ask], &Actor::engine(), now)
        .await
        .expect("ask");
    assert!(asked.iter().all(Result::is_ok), "{asked:?}");
    let mut links = store.links_of(case).await.expect("links");
    links.sort_by(|a, b| a.approver.cmp(&b.approver));
    (case, links)
}

fn item(link: &LinkView, decision: Decision, now: OffsetDateTime) -> DecisionIn {
    let reason = (decision == Decision::Reject).then(|| "not yet".to_owned());
    let origin = DecisionOrigin::default();
    DecisionIn {
        token_hash: hash_token(&token(link.link_id)),
        decision,
        kept: Vec::new(),
        reason,
        origin,
        now,
    }
}

fn kind(decided: &Decided) -> &'static str {
    match decided {
        Decided::Recorded { .. } => "recorded",
        Decided::Refused {
            refusal: Refusal::AlreadyDecided,
            ..
        } => "already_decided",
        Decided::Refused {
            refusal: Refusal::RequestSettled,
            ..
        } => "request_settled",
        Decided::Refused { .. } => "refused otherwise",
        Decided::Unknown => "unknown",
    }
}

#[tokio::test]
async fn a_batch_decides_as_one_decision_after_the_other_would() {
    let dir = tempfile::tempdir().expect("dir");
    for (store, url) in scratch::all(dir.path()).await.expect("stores") {
        let now = OffsetDateTime::now_utc();
        let mut outcomes = Vec::new();
        for (user, together) in [("bob", true), ("frank", false)] {
            let (case, links) = asked(&store, user, now).await;
            let [erin, sec1, sec2] = [0, 1, 2].map(|n| links[n].clone());
            let unknown = DecisionIn {
                token_hash: hash_token("no such link"),
                ..item(&erin, Decision::Approve, now)
            };
            let items = [
                item(&erin, Decision::Approve, now),
                item(&erin, Decision::Approve, now),
                item(&sec1, Decision::Approve, now),
                item(&sec2, Decision::Reject, now),
                unknown,
            ];

            let results: Vec<Decided> = if together {
                decide_batch(store.writer(), &items)
                    .await
                    .expect("batch")
                    .into_iter()
                    .map(|r| r.expect("item"))
                    .collect()
            } else {
                let mut one_by_one = Vec::new();
                for item in &items {
                    let mut result = decide_batch(store.writer(), std::slice::from_ref(item))
                        .await
                        .expect("batch");
                    one_by_one.push(result.pop().expect("one").expect("item"));
                }
                one_by_one
            };

            let kinds: Vec<&str> = results.iter().map(kind).collect();
            assert_eq!(
                kinds,
                [
                    "recorded",
                    "already_decided",
                    "recorded",
                    "request_settled",
                    "unknown"
                ],
                "{url}"
            );
            let Decided::Recorded { case_state, .. } = &results[2] else {
                unreachable!()
            };
            assert_eq!(
                *case_state,
                CaseState::Scheduled,
                "{url}: both requests approved"
            );
            let current = store.case(case).await.expect("case");
            assert!(
                current.steps.iter().all(|s| s.state == StepState::Approved),
                "{url}"
            );
            let stored = store.links_of(case).await.expect("links");
            // Links made at one instant come in no particular order.
            let mut decided: Vec<&str> = stored
                .iter()
                .filter(|l| l.decided_at.is_some())
                .map(|l| l.approver.as_str())
                .collect();
            decided.sort_unstable();
            assert_eq!(decided, ["erin@acme.test", "sec1@acme.test"], "{url}");
            assert!(
                stored
                    .iter()
                    .all(|l| l.request_state == RequestState::Approved),
                "{url}"
            );
            let audit: Vec<String> = store
                .audit_events(Some(case))
                .await
                .expect("audit")
                .into_iter()
                .map(|r| r.kind)
                .collect();
            outcomes.push(audit);
        }
        assert_eq!(
            outcomes[0], outcomes[1],
            "{url}: the same audit trail either way"
        );
        assert!(
            store.verify_audit().await.expect("verify").broken.is_none(),
            "{url}"
        );
    }
}
