//! The simulator's own machinery: rate limits, call counters, faults, reset, headers,
//! and the binary's seed errors.

mod common;

use std::time::Duration;

use common::{Sim, assert_error, base_seed, header};
use serde_json::{Value, json};

fn limited(quota: u64, window_s: u64) -> Value {
    let mut seed = base_seed();
    seed["rate_limit"] = json!({"quota": quota, "window_s": window_s});
    seed
}

#[tokio::test]
async fn every_response_carries_rate_limit_headers_and_a_request_id() {
    let sim = Sim::start(limited(5, 300)).await;
    let ok = sim
        .get("/api/organizations/acme-ai/overview", Some("hf_bob"))
        .await;
    assert_eq!(header(&ok, "ratelimit"), "\"api\";r=4;t=300");
    assert_eq!(
        header(&ok, "ratelimit-policy"),
        "\"fixed window\";\"api\";q=5;w=300"
    );
    assert!(!header(&ok, "x-request-id").is_empty());
    let error = sim
        .get("/api/organizations/nope/overview", Some("hf_bob"))
        .await;
    assert_eq!(header(&error, "ratelimit"), "\"api\";r=3;t=300");
    assert_error(error, 404).await;
    assert_error(
        sim.call(reqwest::Method::PUT, "/api/whoami-v2", None, None)
            .await,
        405,
    )
    .await;
}

#[tokio::test]
async fn past_the_quota_a_caller_gets_429_with_headers_while_others_do_not() {
    let sim = Sim::start(limited(3, 300)).await;
    for _ in 0..3 {
        assert_eq!(
            sim.get("/api/whoami-v2", Some("hf_bob")).await.status(),
            200
        );
    }
    let refused = sim.get("/api/whoami-v2", Some("hf_bob")).await;
    assert!(header(&refused, "ratelimit").starts_with("\"api\";r=0;t="));
    assert_eq!(
        header(&refused, "ratelimit-policy"),
        "\"fixed window\";\"api\";q=3;w=300"
    );
    assert_error(refused, 429).await;
    assert_eq!(
        sim.get("/api/whoami-v2", Some("hf_carol")).await.status(),
        200,
        "per-user buckets"
    );
    assert_eq!(
        sim.get("/api/organizations/acme-ai/overview", None)
            .await
            .status(),
        200,
        "anonymous bucket"
    );
    // Control routes are not limited.
    assert_eq!(sim.get("/_sim/state", None).await.status(), 200);
}

#[tokio::test]
async fn the_window_resets_after_window_s() {
    let sim = Sim::start(limited(1, 1)).await;
    assert_eq!(
        sim.get("/api/whoami-v2", Some("hf_bob")).await.status(),
        200
    );
    assert_eq!(
        sim.get("/api/whoami-v2", Some("hf_bob")).await.status(),
        429
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        sim.get("/api/whoami-v2", Some("hf_bob")).await.status(),
        200
    );
}

#[tokio::test]
async fn calls_are_counted_by_route_template_and_writes_are_listed_in_order() {
    let sim = Sim::base().await;
    sim.get("/api/organizations/acme-ai/members", None).await;
    sim.get("/api/organizations/free-org/members?limit=10", None)
        .await;
    sim.delete(
        "/api/organizations/acme-ai/members/carol",
        Some("hf_alice_admin"),
    )
    .await;
    sim.delete(
        "/api/organizations/acme-ai/members/carol",
        Some("hf_alice_admin"),
    )
    .await;
    sim.get("/api/no/such/route", None).await;
    sim.get("/_sim/state", None).await;

    let calls = sim.get_json("/_sim/calls", None).await;
    assert_eq!(calls["total"], 5);
    assert_eq!(calls["by_route"]["GET /api/organizations/{org}/members"], 2);
    assert_eq!(
        calls["by_route"]["DELETE /api/organizations/{org}/members/{user}"],
        2
    );
    assert_eq!(calls["by_route"]["GET /api/no/such/route"], 1);
    assert!(calls.get("writes").is_none());

    let detail = sim.get_json("/_sim/calls?detail=1", None).await;
    let route = "/api/organizations/{org}/members/{user}";
    let path = "/api/organizations/acme-ai/members/carol";
    assert_eq!(
        detail["writes"],
        json!([{"method": "DELETE", "route": route, "path": path, "status": 200, "applied": true},
               {"method": "DELETE", "route": route, "path": path, "status": 404, "applied": false}])
    );
    assert_eq!(
        detail["ok_by_route"],
        json!({"DELETE /api/organizations/{org}/members/{user}": 1})
    );
}

#[tokio::test]
async fn fail_next_fails_exactly_count_calls_without_changing_state() {
    let sim = Sim::base().await;
    let faults = json!({"fail_next": [{"route": "DELETE /api/organizations/{org}/members/{user}", "status": 500, "count": 2}]});
    assert_eq!(sim.post("/_sim/faults", None, faults).await.status(), 200);
    let path = "/api/organizations/acme-ai/members/carol";
    for _ in 0..2 {
        let failed = sim.delete(path, Some("hf_alice_admin")).await;
        assert!(!header(&failed, "ratelimit").is_empty());
        assert_error(failed, 500).await;
        let state = sim.state().await;
        assert!(
            state["orgs"][0]["members"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["user"] == "carol"))
        );
    }
    assert_eq!(
        sim.get("/api/organizations/acme-ai/members", None)
            .await
            .status(),
        200,
        "other routes unaffected"
    );
    assert_eq!(sim.delete(path, Some("hf_alice_admin")).await.status(), 200);
}

#[tokio::test]
async fn error_rate_fails_calls_and_an_empty_object_clears_it() {
    let sim = Sim::base().await;
    let faults = json!({"error_rate": 1.0, "error_status": 503});
    assert_eq!(sim.post("/_sim/faults", None, faults).await.status(), 200);
    assert_error(sim.get("/api/whoami-v2", Some("hf_bob")).await, 503).await;
    assert_eq!(
        sim.get("/_sim/state", None).await.status(),
        200,
        "control routes are never faulted"
    );
    assert_eq!(
        sim.post("/_sim/faults", None, json!({})).await.status(),
        200
    );
    assert_eq!(
        sim.get("/api/whoami-v2", Some("hf_bob")).await.status(),
        200
    );
    assert_error(
        sim.post("/_sim/faults", None, json!({"error_rate": 2.0}))
            .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn reset_loads_a_new_seed_and_clears_counters_faults_and_windows() {
    let sim = Sim::start(limited(1, 300)).await;
    sim.get("/api/whoami-v2", Some("hf_bob")).await;
    assert_eq!(
        sim.get("/api/whoami-v2", Some("hf_bob")).await.status(),
        429
    );
    sim.post("/_sim/faults", None, json!({"error_rate": 1.0}))
        .await;

    let small = json!({"users": [{"username": "zoe"}], "tokens": [{"user": "zoe", "value": "hf_zoe"}],
                       "rate_limit": {"quota": 1, "window_s": 300}});
    assert_eq!(
        sim.post("/_sim/reset", None, small.clone()).await.status(),
        200
    );
    let calls = sim.get_json("/_sim/calls", None).await;
    assert_eq!(
        calls,
        json!({"total": 0, "by_route": {}, "ok_by_route": {}})
    );
    assert_eq!(
        sim.get("/api/whoami-v2", Some("hf_zoe")).await.status(),
        200
    );
    assert_error(sim.get("/api/whoami-v2", Some("hf_bob")).await, 401).await;
    let state = sim.state().await;
    assert_eq!(state["users"][0]["username"], "zoe");
    assert_eq!(state["rate_limit"], json!({"quota": 1, "window_s": 300}));

    let bad = sim
        .post(
            "/_sim/reset",
            None,
            json!({"orgs": [{"name": "x", "plan": "gold"}]}),
        )
        .await;
    let body = assert_error(bad, 400).await;
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("orgs[0].plan")),
        "{body}"
    );
}

#[tokio::test]
async fn the_state_dump_round_trips_as_a_seed() {
    let sim = Sim::base().await;
    let state = sim.state().await;
    let again: hubsim::Seed =
        serde_json::from_value(state.clone()).expect("state parses as a seed");
    assert_eq!(serde_json::to_value(&again).expect("serializes"), state);
    assert_eq!(
        state["orgs"][0]["members"][1]["resource_groups"][0]["name"],
        "research"
    );
    assert_eq!(state["repos"][0]["gated"], "manual");
}

#[test]
fn the_binary_names_the_file_and_field_of_a_malformed_seed() {
    let dir = std::env::temp_dir().join(format!("hubsim-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("bad-seed.json");
    std::fs::write(&file, r#"{"repos": [{"id": "a/b", "gated": "sometimes"}]}"#)
        .expect("write seed");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hubsim"))
        .args(["--bind", "127.0.0.1:0", "--seed"])
        .arg(&file)
        .output()
        .expect("binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad-seed.json"), "{stderr}");
    assert!(stderr.contains("repos[0].gated"), "{stderr}");

    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_hubsim"))
        .args(["--seed", "/nonexistent/seed.json"])
        .output()
        .expect("binary runs");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/seed.json"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn debug_output_of_a_seed_never_shows_token_values() {
    let seed = common::seed(base_seed());
    let printed = format!("{seed:?}");
    assert!(printed.contains("alice"), "the debug output is useful");
    assert!(!printed.contains("hf_"), "{printed}");
    assert!(!printed.contains("scim_managed_secret"), "{printed}");
}
