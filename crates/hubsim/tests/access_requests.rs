//! Gated-repo access requests: list, handle, grant, cancel.

mod common;

use common::{Sim, assert_error, base_seed, header};
use serde_json::{Value, json};

const BASE: &str = "/api/models/acme-ai/llama-ft/user-access-request";
const ADMIN: Option<&str> = Some("hf_alice_admin");

#[tokio::test]
async fn listing_accepted_requests_gives_the_hub_item_shape() {
    let sim = Sim::base().await;
    let accepted = sim.get_json(&format!("{BASE}/accepted"), ADMIN).await;
    assert_eq!(accepted.as_array().map(Vec::len), Some(1));
    let item = &accepted[0];
    let request_id = item["requestId"].as_str().expect("requestId");
    assert_eq!(request_id.len(), 24);
    assert!(request_id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        item["user"],
        json!({"user": "bob", "fullname": "Bob B", "email": "bob@acme.test"})
    );
    assert_eq!(item["status"], "accepted");
    assert!(item["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(item["fields"], json!({"Company": "Acme"}));
    let pending = sim.get_json(&format!("{BASE}/pending"), ADMIN).await;
    assert_eq!(pending[0]["user"]["user"], "carol");
}

#[tokio::test]
async fn listing_needs_write_in_the_owning_org() {
    let sim = Sim::base().await;
    assert_error(
        sim.get(&format!("{BASE}/accepted"), Some("hf_carol")).await,
        403,
    )
    .await;
    assert_error(
        sim.get(&format!("{BASE}/accepted"), Some("hf_erin")).await,
        403,
    )
    .await;
    assert_error(
        sim.get(&format!("{BASE}/accepted"), Some("hf_alice_read"))
            .await,
        403,
    )
    .await;
    assert_eq!(
        sim.get(&format!("{BASE}/accepted"), Some("hf_bob"))
            .await
            .status(),
        200
    );
    let missing = sim
        .get(
            "/api/models/acme-ai/nope/user-access-request/accepted",
            ADMIN,
        )
        .await;
    assert_eq!(header(&missing, "x-error-code"), "RepoNotFound");
    assert_error(missing, 404).await;
}

#[tokio::test]
async fn handling_a_request_moves_it_and_repeating_it_is_a_404() {
    let sim = Sim::base().await;
    let body = json!({"user": "bob", "status": "rejected", "rejectionReason": "left the company"});
    let response = sim
        .post(&format!("{BASE}/handle"), ADMIN, body.clone())
        .await;
    assert_eq!(response.status(), 200);
    let rejected = sim.get_json(&format!("{BASE}/rejected"), ADMIN).await;
    let users: Vec<&str> = rejected
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["user"]["user"].as_str())
        .collect();
    assert!(users.contains(&"bob"));
    assert_eq!(
        sim.get_json(&format!("{BASE}/accepted"), ADMIN).await,
        json!([])
    );

    let again = sim.post(&format!("{BASE}/handle"), ADMIN, body).await;
    assert_error(again, 404).await;

    let log = sim
        .get_json(
            "/api/organizations/acme-ai/audit-log/export?q=type:repo.user_access_request.handle",
            ADMIN,
        )
        .await;
    assert_eq!(log[0]["data"]["user"], "bob");
    assert_eq!(log[0]["data"]["status"], "rejected");
}

#[tokio::test]
async fn handle_accepts_a_request_id_instead_of_a_user() {
    let sim = Sim::base().await;
    let pending = sim.get_json(&format!("{BASE}/pending"), ADMIN).await;
    let request_id = pending[0]["requestId"].clone();
    let body = json!({"requestId": request_id, "status": "accepted"});
    assert_eq!(
        sim.post(&format!("{BASE}/handle"), ADMIN, body)
            .await
            .status(),
        200
    );
    let accepted = sim.get_json(&format!("{BASE}/accepted"), ADMIN).await;
    assert_eq!(accepted.as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn handle_validates_its_body_and_the_gate() {
    let sim = Sim::base().await;
    let handle = format!("{BASE}/handle");
    assert_error(
        sim.post(&handle, ADMIN, json!({"status": "rejected"}))
            .await,
        400,
    )
    .await;
    assert_error(
        sim.post(&handle, ADMIN, json!({"user": "bob", "status": "maybe"}))
            .await,
        400,
    )
    .await;
    let reason_on_accept = json!({"user": "carol", "status": "accepted", "rejectionReason": "no"});
    assert_error(sim.post(&handle, ADMIN, reason_on_accept).await, 400).await;
    let too_long = json!({"user": "bob", "status": "rejected", "rejectionReason": "x".repeat(201)});
    assert_error(sim.post(&handle, ADMIN, too_long).await, 400).await;
    assert_error(
        sim.post(
            &handle,
            ADMIN,
            json!({"user": "dave", "status": "rejected"}),
        )
        .await,
        404,
    )
    .await;

    let mut seed = base_seed();
    seed["repos"][2]["type"] = json!("model");
    let sim = Sim::start(seed).await;
    let not_gated = sim
        .post(
            "/api/models/acme-ai/open-data/user-access-request/handle",
            ADMIN,
            json!({"user": "bob", "status": "rejected"}),
        )
        .await;
    assert_error(not_gated, 400).await;
}

#[tokio::test]
async fn grant_answers_json_and_a_second_grant_is_a_400() {
    let sim = Sim::base().await;
    let grant = format!("{BASE}/grant");
    let response = sim.post(&grant, ADMIN, json!({"user": "dave"})).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("grant answers JSON");
    assert!(body.is_object());
    let accepted = sim.get_json(&format!("{BASE}/accepted"), ADMIN).await;
    let dave = accepted
        .as_array()
        .and_then(|a| a.iter().find(|r| r["user"]["user"] == "dave").cloned())
        .expect("dave");
    assert!(
        dave["user"].get("email").is_none(),
        "manual grants carry no email"
    );
    assert_error(sim.post(&grant, ADMIN, json!({"user": "dave"})).await, 400).await;
    assert_error(
        sim.post(&grant, ADMIN, json!({"user": "nobody"})).await,
        404,
    )
    .await;
    assert_error(
        sim.post(&grant, Some("hf_carol"), json!({"user": "erin"}))
            .await,
        403,
    )
    .await;
}

#[tokio::test]
async fn cancel_withdraws_the_callers_own_request() {
    let sim = Sim::base().await;
    let cancel = format!("{BASE}/cancel");
    assert_eq!(
        sim.post(&cancel, Some("hf_carol"), json!(null))
            .await
            .status(),
        200
    );
    assert_eq!(
        sim.get_json(&format!("{BASE}/pending"), ADMIN).await,
        json!([])
    );
    assert_error(sim.post(&cancel, Some("hf_carol"), json!(null)).await, 404).await;
    assert_error(sim.post(&cancel, Some("hf_erin"), json!(null)).await, 404).await;
}

#[tokio::test]
async fn private_repos_are_hidden_from_outsiders() {
    let mut seed = base_seed();
    seed["repos"][0]["private"] = json!(true);
    let sim = Sim::start(seed).await;
    let outsider = sim.get(&format!("{BASE}/accepted"), Some("hf_erin")).await;
    assert_eq!(header(&outsider, "x-error-code"), "RepoNotFound");
    assert_error(outsider, 404).await;
    let anonymous = sim.get(&format!("{BASE}/accepted"), None).await;
    assert_eq!(header(&anonymous, "x-error-code"), "RepoNotFound");
    assert_error(anonymous, 401).await;
}
