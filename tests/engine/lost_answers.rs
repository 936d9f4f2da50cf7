//! Write applied, answer lost: for every kind of write step, hubsim applies the step's write
//! and then loses its answer (a 502, or the connection dropped). The step must end `succeeded`,
//! once, and the Hub must show no second write of the same thing that took effect: Leaver reads
//! the Hub back instead of sending the write again.

use crate::support::{approve_waiting, writes};
use leaver_core::{CaseId, CaseState, StepKind, StepState, TicketInput};
use leaver_store::{Actor, Store};
use leaver_testkit::{HUB_TOKEN, Options, TestApp, apps};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const BOB_TOKEN: &str = "hf_bob_personal_token_42";

/// One write step kind under the fault: the world, the leaver's successor and handed-over
/// tokens, and the write (`METHOD route-template` or `METHOD path`, as hubsim's `fail_next`
/// takes it) whose answer is lost.
struct Kind {
    step: StepKind,
    world: Value,
    successor: Option<&'static str>,
    tokens: &'static [&'static str],
    write: &'static str,
}

/// The fault: the next `write` is applied, then answered 502 or left without an answer.
fn lose_the_answer(write: &str, dropped: bool) -> Value {
    json!({"fail_next": [{"route": write, "after_apply": true, "drop": dropped}]})
}

/// `reassign_last_admin`: the successor's promotion to admin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promoting_the_successor_whose_answer_is_lost_succeeds_once() {
    prove(Kind {
        step: StepKind::ReassignLastAdmin,
        world: acme(),
        successor: Some("carol"),
        tokens: &[],
        write: "PUT /api/organizations/acme-ai/members/carol/role",
    })
    .await;
}

/// `strip_access`: the leaver's role set to `no_access` (planned where the removal waits on
/// the IdP's SCIM deprovisioning).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripping_access_whose_answer_is_lost_succeeds_once() {
    prove(Kind {
        step: StepKind::StripAccess,
        world: scim_org("managed", false),
        successor: None,
        tokens: &[],
        write: "PUT /api/organizations/acme-ai/members/bob/role",
    })
    .await;
}

/// `revoke_gated_access`: the leaver's accepted request rejected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_gated_access_whose_answer_is_lost_succeeds_once() {
    prove(Kind {
        step: StepKind::RevokeGatedAccess,
        world: acme(),
        successor: Some("carol"),
        tokens: &[],
        write: "POST /api/models/acme-ai/llama-ft/user-access-request/handle",
    })
    .await;
}

/// `remove_member` through the member DELETE endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_member_through_the_api_whose_answer_is_lost_succeeds_once() {
    prove(Kind {
        step: StepKind::RemoveMember,
        world: acme(),
        successor: Some("carol"),
        tokens: &[],
        write: "DELETE /api/organizations/acme-ai/members/bob",
    })
    .await;
}

/// `remove_member` through SCIM on managed SSO (deactivation).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivating_through_managed_sso_scim_whose_answer_is_lost_succeeds_once() {
    prove(Kind {
        step: StepKind::RemoveMember,
        world: scim_org("managed", false),
        successor: None,
        tokens: &[],
        write: "PATCH /api/organizations/{org}/scim/v2/Users/{id}",
    })
    .await;
}

/// `remove_member` through SCIM on basic SSO (deletion).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_through_basic_sso_scim_whose_answer_is_lost_succeeds_once() {
    prove(Kind {
        step: StepKind::RemoveMember,
        world: scim_org("basic", false),
        successor: None,
        tokens: &[],
        write: "DELETE /api/organizations/{org}/scim-provisioning/v2/Users/{id}",
    })
    .await;
}

/// `cancel_invitation` through SCIM (basic SSO).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_an_invitation_through_scim_whose_answer_is_lost_succeeds_once() {
    prove(Kind {
        step: StepKind::CancelInvitation,
        world: scim_org("basic", true),
        successor: None,
        tokens: &[],
        write: "DELETE /api/organizations/{org}/scim-provisioning/v2/Users/{id}",
    })
    .await;
}

/// `flag_tokens` revoking a token handed over for the case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_a_held_token_whose_answer_is_lost_succeeds_once() {
    prove(Kind {
        step: StepKind::FlagTokens,
        world: acme(),
        successor: Some("carol"),
        tokens: &[BOB_TOKEN],
        write: "POST /api/credentials/revoke",
    })
    .await;
}

/// Runs the kind's case under both faults (502, dropped) on every database: the step succeeds
/// once, in the attempt that wrote, and the write took effect once.
async fn prove(kind: Kind) {
    for dropped in [false, true] {
        let (_dir, apps) = apps(options(&kind.world)).await;
        for app in &apps {
            let what = format!(
                "{} ({}), answer {} on {:?}",
                kind.step,
                kind.write,
                if dropped { "dropped" } else { "502" },
                app.dialect
            );
            let case = open(app, &kind).await;
            set_faults(app, lose_the_answer(kind.write, dropped)).await;
            let done = run_to_end(app, case).await;

            assert_eq!(done.state, CaseState::Completed, "{what}: {:?}", done.steps);
            let trail = app.store.audit_events(Some(case)).await.expect("trail");
            let count = |kind: &str, step: &str| {
                trail
                    .iter()
                    .filter(|r| r.kind == kind && r.data["event"]["step"] == json!(step))
                    .count()
            };
            let steps: Vec<_> = done.steps.iter().filter(|s| s.kind == kind.step).collect();
            assert!(!steps.is_empty(), "{what}: planned");
            for step in steps {
                let id = step.id.to_string();
                assert_eq!(step.state, StepState::Succeeded, "{what}");
                assert_eq!(count("step_succeeded", &id), 1, "{what}: succeeded once");
                assert_eq!(
                    count("step_failed", &id),
                    0,
                    "{what}: settled by the read-back"
                );
                if kind.step == StepKind::FlagTokens {
                    let note = step.note.as_deref().unwrap_or_default();
                    assert!(note.contains("Revoked everywhere"), "{what}: {note}");
                }
            }
            assert_written_once(&hub_calls(app).await, kind.write, dropped, &what);
        }
    }
}

/// The faulted write took effect once, its answer was lost, and no later write of the same
/// thing took effect.
fn assert_written_once(calls: &Value, write: &str, dropped: bool, what: &str) {
    let same: Vec<_> = writes(calls)
        .into_iter()
        .filter(|w| {
            format!("{} {}", w.method, w.route) == write
                || format!("{} {}", w.method, w.path) == write
        })
        .collect();
    let first = same
        .first()
        .unwrap_or_else(|| panic!("{what}: never written"));
    assert!(first.applied, "{what}: the first write took effect");
    assert_eq!(
        first.status,
        if dropped { 0 } else { 502 },
        "{what}: its answer was lost"
    );
    let applied = same.iter().filter(|w| w.applied).count();
    assert_eq!(applied, 1, "{what}: took effect once, not again");
}

/// acme-ai (team): leaver-bot and bob are admins, carol writes; bob holds accepted access to
/// the gated model acme-ai/llama-ft and a personal token.
fn acme() -> Value {
    json!({
        "users": [user("leaver-bot"), user("bob"), user("carol")],
        "tokens": [{"user": "leaver-bot", "value": HUB_TOKEN}, {"user": "bob", "value": BOB_TOKEN}],
        "orgs": [{"name": "acme-ai", "plan": "team", "scim": "none",
                  "members": [{"user": "leaver-bot", "role": "admin"}, {"user": "bob", "role": "admin"},
                              {"user": "carol", "role": "write"}]}],
        "repos": [{"id": "acme-ai/llama-ft", "type": "model", "private": false, "gated": "manual",
                   "access_requests": [{"user": "bob", "status": "accepted"}]}]
    })
}

/// acme-ai on SSO (`managed` or `basic`), which dave admins, where bob reads (provisioned
/// through SCIM), or where bob is only invited (`invited`, basic SSO).
fn scim_org(scim: &str, invited: bool) -> Value {
    let mut members = vec![
        json!({"user": "leaver-bot", "role": "admin"}),
        json!({"user": "dave", "role": "admin"}),
    ];
    let mut invitations = Vec::new();
    if invited {
        invitations.push(json!({"user": "bob", "role": "read"}));
    } else {
        members.push(json!({"user": "bob", "role": "read"}));
    }
    json!({
        "users": [user("leaver-bot"), user("bob"), user("dave")],
        "tokens": [{"user": "leaver-bot", "value": HUB_TOKEN}],
        "orgs": [{"name": "acme-ai", "plan": "enterprise", "scim": scim, "members": members,
                  "invitations": invitations, "scim_users": [{"user": "bob"}]}]
    })
}

fn user(name: &str) -> Value {
    json!({"username": name, "fullname": name, "email": format!("{name}@acme.test")})
}

fn options(world: &Value) -> Options {
    Options::default()
        .world(world.clone())
        .settings(|s| s.orgs = vec!["acme-ai".into()])
}

/// Opens bob's case and hands over the kind's tokens.
async fn open(app: &TestApp, kind: &Kind) -> CaseId {
    let input = TicketInput {
        external_id: Some("HR-bob".into()),
        email: Some("bob@acme.test".into()),
        hub_username: Some("bob".into()),
        manager_email: Some("erin@acme.test".into()),
        successor: kind.successor.map(Into::into),
        ..TicketInput::default()
    };
    let actor = Actor::api("hr");
    let case = app
        .app
        .open_case(&input, &actor)
        .await
        .expect("open")
        .case
        .id;
    if !kind.tokens.is_empty() {
        let raw: Vec<String> = kind.tokens.iter().map(|t| (*t).to_owned()).collect();
        app.app.hold_tokens(case, &raw, &actor).await.expect("held");
    }
    case
}

/// Approves whatever waits and runs the engine until the case stops moving (completed, or
/// waiting for a human).
async fn run_to_end(app: &TestApp, case: CaseId) -> leaver_core::Case {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        approve_waiting(&app.store).await;
        app.run_pending_jobs().await;
        let current = app.store.case(case).await.expect("case");
        if matches!(
            current.state,
            CaseState::Completed | CaseState::NeedsAttention
        ) {
            return current;
        }
        assert!(Instant::now() < deadline, "stuck: {current:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn set_faults(app: &TestApp, faults: Value) {
    let response = app
        .http
        .post(format!("{}/_sim/faults", app.hub_url))
        .json(&faults)
        .send()
        .await
        .expect("faults");
    assert!(response.status().is_success(), "{faults}");
}

async fn hub_calls(app: &TestApp) -> Value {
    let response = app.http.get(format!("{}/_sim/calls?detail=1", app.hub_url));
    response
        .send()
        .await
        .expect("calls")
        .json()
        .await
        .expect("json")
}
