//! A write whose answer is lost after it took effect (hubsim's `after_apply` and `drop`
//! faults) is sent once: its error goes back to the caller, who reads the Hub to know. A read
//! under the same fault is retried to success.

use leaver_hub::HubErrorKind;
use serde_json::json;

use crate::support::{ALICE, standard_seed, start};

const ROLE_ROUTE: &str = "PUT /api/organizations/{org}/members/{user}/role";
const REMOVE_ROUTE: &str = "DELETE /api/organizations/{org}/members/{user}";
const MEMBERS_ROUTE: &str = "GET /api/organizations/{org}/members";

#[tokio::test]
async fn a_role_change_answered_502_after_it_took_effect_is_not_sent_again() {
    let sim = start(standard_seed()).await;
    sim.faults(json!({"fail_next": [{"route": ROLE_ROUTE, "after_apply": true}]}))
        .await;
    let client = sim.client(ALICE);

    let err = client
        .set_member_role("acme-ai", "carol", "write", &[])
        .await
        .unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert!(err.may_have_taken_effect());
    assert!(err.is_retryable(), "the caller may try again after reading");
    assert_eq!(sim.calls_to(ROLE_ROUTE).await, 1, "sent once");
    let carol = client.find_member("acme-ai", "carol").await.unwrap();
    assert_eq!(carol.and_then(|m| m.role).as_deref(), Some("write"));
}

#[tokio::test]
async fn a_removal_whose_connection_drops_after_it_took_effect_is_not_sent_again() {
    let sim = start(standard_seed()).await;
    sim.faults(json!({"fail_next": [{"route": REMOVE_ROUTE, "after_apply": true, "drop": true}]}))
        .await;
    let client = sim.client(ALICE);

    let err = client.remove_member("acme-ai", "carol").await.unwrap_err();

    assert_eq!(err.kind(), HubErrorKind::Network, "{err}");
    assert!(err.may_have_taken_effect());
    assert_eq!(sim.calls_to(REMOVE_ROUTE).await, 1, "sent once");
    assert!(
        client
            .find_member("acme-ai", "carol")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_read_whose_answer_is_lost_is_retried() {
    let sim = start(standard_seed()).await;
    sim.faults(json!({"fail_next": [{"route": MEMBERS_ROUTE, "after_apply": true, "drop": true}]}))
        .await;
    let client = sim.client(ALICE);

    let members = client.org_members("acme-ai").await.unwrap();

    assert_eq!(members.len(), 4);
    assert_eq!(
        sim.calls_to(MEMBERS_ROUTE).await,
        2,
        "dropped, then answered"
    );
}
