//! Transient failures are retried to success; the Hub sees each attempt.

use serde_json::json;

use crate::support::{ALICE, standard_seed, start};

const MEMBERS_ROUTE: &str = "GET /api/organizations/{org}/members";

#[tokio::test]
async fn a_429_is_retried_and_the_call_then_succeeds() {
    let sim = start(standard_seed()).await;
    sim.faults(json!({"fail_next": [{"route": MEMBERS_ROUTE, "status": 429, "count": 1}]}))
        .await;
    let client = sim.client(ALICE);

    let members = client.org_members("acme-ai").await.unwrap();

    assert_eq!(members.len(), 4);
    assert_eq!(client.rate_limited_responses(), 1, "the client saw the 429");
    assert_eq!(
        sim.calls_to(MEMBERS_ROUTE).await,
        2,
        "one 429, then the success"
    );
}

#[tokio::test]
async fn a_burst_of_503s_is_retried_to_success() {
    let sim = start(standard_seed()).await;
    sim.faults(json!({"fail_next": [{"route": MEMBERS_ROUTE, "status": 503, "count": 3}]}))
        .await;
    let client = sim.client(ALICE);

    let members = client.org_members("acme-ai").await.unwrap();

    assert!(members.iter().any(|m| m.user == "bob"));
    assert_eq!(client.calls_made(), 4);
    assert_eq!(sim.calls_to(MEMBERS_ROUTE).await, 4);
}

#[tokio::test]
async fn a_503_burst_longer_than_the_attempts_allowed_surfaces_the_error() {
    let sim = start(standard_seed()).await;
    sim.faults(json!({"fail_next": [{"route": MEMBERS_ROUTE, "status": 503, "count": 10}]}))
        .await;
    let client = sim.client(ALICE);

    let err = client.org_members("acme-ai").await.unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(sim.calls_to(MEMBERS_ROUTE).await, 4, "max_attempts is 4");
}

#[tokio::test]
async fn a_delete_failing_twice_with_503_is_retried_and_the_member_is_gone() {
    let sim = start(standard_seed()).await;
    let route = "DELETE /api/organizations/{org}/members/{user}";
    // 503: the Hub did not act, so the write may be sent again (a 500 may have lost the answer
    // of a write that took effect: see `lost_answers`).
    sim.faults(json!({"fail_next": [{"route": route, "status": 503, "count": 2}]}))
        .await;
    let client = sim.client(ALICE);

    client.remove_member("acme-ai", "carol").await.unwrap();

    assert_eq!(sim.calls_to(route).await, 3);
    assert!(
        client
            .find_member("acme-ai", "carol")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_random_30_percent_error_rate_is_absorbed_by_retries() {
    let sim = start(standard_seed()).await;
    sim.faults(json!({"error_rate": 0.3, "error_status": 502}))
        .await;
    // The shared circuit is another test's subject: here a run of five 502s in a row (likely
    // enough over 40 calls at 30%) must not open it.
    let client = sim.client_with(ALICE, |c| {
        c.with_retries(
            12,
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(10),
        )
        .with_circuit(
            0,
            std::time::Duration::from_secs(1),
            std::time::Duration::from_secs(1),
        )
    });

    for _ in 0..40 {
        let org = client.org_overview("acme-ai").await.unwrap();
        assert_eq!(org.name, "acme-ai");
    }

    assert!(
        client.calls_made() > 40,
        "some calls failed and were retried"
    );
    assert_eq!(
        sim.calls().await["total"].as_u64(),
        Some(client.calls_made())
    );
}

#[tokio::test]
async fn a_probe_the_hub_paces_with_a_429_closes_the_circuit() {
    let sim = start(standard_seed()).await;
    sim.faults(json!({"fail_next": [
        {"route": MEMBERS_ROUTE, "status": 503, "count": 2},
        {"route": MEMBERS_ROUTE, "status": 429, "count": 1},
    ]}))
    .await;
    let cooldown = std::time::Duration::from_millis(50);
    let client = sim.client_with(ALICE, |c| {
        c.with_retries(
            3,
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(5),
        )
        .with_circuit(2, cooldown, cooldown)
    });

    // Two 503s in a row open the circuit: the third attempt is held back.
    let held = client.org_members("acme-ai").await.expect_err("held back");
    assert_eq!(held.kind(), leaver_hub::HubErrorKind::Unavailable, "{held}");
    tokio::time::sleep(cooldown * 2).await;

    // The probe meets a 429: the Hub answered, so the circuit closes and the retry goes out
    // (it was held back until the probe timed out, 30 s, while the Hub kept pacing the route).
    let members = client
        .org_members("acme-ai")
        .await
        .expect("paced, then answered");
    assert_eq!(members.len(), 4);
    assert_eq!(client.circuit(), leaver_hub::CircuitState::Closed);
    assert_eq!(
        sim.calls_to(MEMBERS_ROUTE).await,
        4,
        "two 503s, the probe's 429, then the answer"
    );
}
