//! The faults that lose a write's answer after the write took effect: `after_apply` answers
//! an error instead of the handler's success, `drop` closes the connection without any
//! answer; `/_sim/calls` shows the write as applied either way.

mod common;

use common::{Sim, assert_error};
use serde_json::json;

const CAROL: &str = "/api/organizations/acme-ai/members/carol";

fn is_member(state: &serde_json::Value, user: &str) -> bool {
    state["orgs"][0]["members"]
        .as_array()
        .is_some_and(|m| m.iter().any(|m| m["user"] == user))
}

#[tokio::test]
async fn after_apply_applies_the_write_then_answers_502() {
    let sim = Sim::base().await;
    let faults = json!({"fail_next": [{"route": format!("DELETE {CAROL}"), "after_apply": true}]});
    assert_eq!(sim.post("/_sim/faults", None, faults).await.status(), 200);

    assert_error(sim.delete(CAROL, Some("hf_alice_admin")).await, 502).await;
    assert!(
        !is_member(&sim.state().await, "carol"),
        "the write took effect"
    );
    assert_eq!(
        sim.delete(CAROL, Some("hf_alice_admin")).await.status(),
        404,
        "a replay finds it done"
    );

    let calls = sim.get_json("/_sim/calls?detail=1", None).await;
    let route = "/api/organizations/{org}/members/{user}";
    assert_eq!(
        calls["writes"],
        json!([{"method": "DELETE", "route": route, "path": CAROL, "status": 502, "applied": true},
               {"method": "DELETE", "route": route, "path": CAROL, "status": 404, "applied": false}])
    );
    assert_eq!(calls["ok_by_route"][format!("DELETE {route}")], 1);
}

#[tokio::test]
async fn drop_after_apply_closes_the_connection_without_an_answer() {
    let sim = Sim::base().await;
    let role = format!("{CAROL}/role");
    let faults = json!({"fail_next": [{"route": "PUT /api/organizations/{org}/members/{user}/role",
                                       "after_apply": true, "drop": true}]});
    assert_eq!(sim.post("/_sim/faults", None, faults).await.status(), 200);

    let sent = sim
        .client
        .put(format!("{}{role}", sim.url))
        .bearer_auth("hf_alice_admin")
        .json(&json!({"role": "admin"}))
        .send()
        .await;
    assert!(sent.is_err(), "no answer at all: {sent:?}");
    let state = sim.state().await;
    let carol = state["orgs"][0]["members"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["user"] == "carol"))
        .cloned();
    assert_eq!(carol.map(|c| c["role"].clone()), Some(json!("admin")));

    let calls = sim.get_json("/_sim/calls?detail=1", None).await;
    assert_eq!(calls["writes"][0]["status"], 0);
    assert_eq!(calls["writes"][0]["applied"], true);
}

#[tokio::test]
async fn drop_alone_drops_the_request_before_it_is_applied() {
    let sim = Sim::base().await;
    let faults = json!({"fail_next": [{"route": format!("DELETE {CAROL}"), "drop": true}]});
    assert_eq!(sim.post("/_sim/faults", None, faults).await.status(), 200);

    let sent = sim
        .client
        .delete(format!("{}{CAROL}", sim.url))
        .bearer_auth("hf_alice_admin")
        .send()
        .await;
    assert!(sent.is_err(), "no answer at all: {sent:?}");
    assert!(is_member(&sim.state().await, "carol"), "nothing applied");
    let calls = sim.get_json("/_sim/calls?detail=1", None).await;
    assert_eq!(calls["writes"][0]["applied"], false);
    assert!(
        calls["ok_by_route"]
            .as_object()
            .is_some_and(|o| o.is_empty())
    );
}

#[tokio::test]
async fn unknown_fault_fields_are_refused() {
    let sim = Sim::base().await;
    let faults = json!({"fail_next": [{"route": format!("DELETE {CAROL}"), "after": true}]});
    assert_eq!(sim.post("/_sim/faults", None, faults).await.status(), 400);
}
