//! Every error status the Hub uses, as a typed `HubError` with the Hub's message and id.

use std::time::Duration;

use leaver_hub::{AccessStatus, HubError, HubErrorKind, RepoType};
use serde_json::json;

use crate::support::{ALICE, BOB, Sim, standard_seed, start};

fn assert_surfaced(err: &HubError, kind: HubErrorKind, status: u16, message_part: &str) {
    assert_eq!(err.kind(), kind, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err}");
    let message = err.message().expect("the Hub's message");
    assert!(!message.is_empty());
    assert!(
        message.contains(message_part),
        "message {message:?} lacks {message_part:?}"
    );
    let id = err.request_id().expect("a request id");
    let shown = err.to_string();
    assert!(
        shown.contains(message) && shown.contains(id),
        "display {shown:?}"
    );
    assert!(shown.contains(&status.to_string()), "display {shown:?}");
}

async fn fail_once(sim: &Sim, route: &str, status: u16) {
    sim.faults(json!({"fail_next": [{"route": route, "status": status, "count": 1}]}))
        .await;
}

#[tokio::test]
async fn every_error_status_maps_to_its_kind_with_the_hubs_message_and_request_id() {
    let sim = start(standard_seed()).await;
    let alice = sim.client_with(ALICE, |c| c.with_retries(1, Duration::ZERO, Duration::ZERO));
    let bob = sim.client(BOB);
    let stranger = sim.client("hf_not_a_real_token");

    let err = stranger.whoami().await.unwrap_err();
    assert_surfaced(&err, HubErrorKind::Unauthorized, 401, "Invalid credentials");

    let err = alice
        .set_member_role("acme-ai", "bob", "overlord", &[])
        .await
        .unwrap_err();
    assert_surfaced(&err, HubErrorKind::BadRequest, 400, "Invalid role");

    let err = alice
        .set_member_role("free-org", "bob", "read", &[])
        .await
        .unwrap_err();
    assert_surfaced(&err, HubErrorKind::PaymentRequired, 402, "subscription");

    let err = bob
        .set_member_role("acme-ai", "carol", "write", &[])
        .await
        .unwrap_err();
    assert_surfaced(&err, HubErrorKind::Forbidden, 403, "");
    assert!(!err.is_retryable());

    let err = alice.org_overview("no-such-org").await.unwrap_err();
    assert_surfaced(&err, HubErrorKind::NotFound, 404, "");
    assert!(err.is_not_found());

    let err = alice.remove_member("acme-ai", "alice").await.unwrap_err();
    assert_surfaced(&err, HubErrorKind::Conflict, 409, "admin");

    for (status, kind) in [
        (429, HubErrorKind::RateLimited),
        (500, HubErrorKind::Server),
        (502, HubErrorKind::Server),
        (503, HubErrorKind::Server),
        (504, HubErrorKind::Server),
    ] {
        fail_once(&sim, "GET /api/organizations/{org}/overview", status).await;
        let err = alice.org_overview("acme-ai").await.unwrap_err();
        assert_surfaced(&err, kind, status, "Simulated failure");
        assert!(err.is_retryable(), "{status} is transient");
    }
}

#[tokio::test]
async fn a_missing_repo_carries_the_hubs_error_code() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);

    let err = client
        .access_requests(RepoType::Model, "acme-ai/nope", AccessStatus::Accepted)
        .await
        .unwrap_err();

    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.error_code(), Some("RepoNotFound"));
    assert!(err.to_string().contains("(RepoNotFound)"));
}

#[tokio::test]
async fn a_client_error_is_not_retried() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);

    let err = client
        .access_requests(
            RepoType::Model,
            "acme-ai/open-weights",
            AccessStatus::Pending,
        )
        .await
        .unwrap_err();

    assert_eq!(err.kind(), HubErrorKind::BadRequest, "{err}");
    assert_eq!(client.calls_made(), 1);
}

#[tokio::test]
async fn an_unreachable_hub_is_a_retried_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let config = leaver_hub::HubConfig::new(
        format!("http://{addr}").parse().unwrap(),
        "hf_x".to_owned().into(),
    )
    .with_retries(3, Duration::from_millis(5), Duration::from_millis(20));
    let client = leaver_hub::HubClient::new(config).unwrap();

    let err = client.whoami().await.unwrap_err();

    assert_eq!(err.kind(), HubErrorKind::Network, "{err}");
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
    assert_eq!(client.calls_made(), 3, "every attempt was made");
}

#[tokio::test]
async fn a_hub_slower_than_the_timeout_fails_with_a_timeout_after_retrying() {
    let sim = start(standard_seed()).await;
    sim.faults(json!({"latency_ms": 400})).await;
    let client = sim.client_with(ALICE, |c| {
        c.with_timeouts(Duration::from_millis(100), Duration::from_secs(1))
            .with_retries(2, Duration::from_millis(5), Duration::from_millis(5))
    });

    let err = client.org_overview("acme-ai").await.unwrap_err();

    assert_eq!(err.kind(), HubErrorKind::Timeout, "{err}");
    assert_eq!(client.calls_made(), 2);
}
