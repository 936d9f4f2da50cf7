//! Token revocation: everywhere (credentials/revoke) and per org (settings/tokens/revoke).

mod common;

use common::{Sim, assert_error, base_seed, header};
use serde_json::json;

#[tokio::test]
async fn credentials_revoke_answers_202_and_the_token_then_gets_401() {
    let sim = Sim::base().await;
    assert_eq!(
        sim.get("/api/whoami-v2", Some("hf_bob")).await.status(),
        200
    );
    let body = json!({"credentials": ["hf_bob", "hf_never_existed"]});
    let response = sim
        .post("/api/credentials/revoke", None, body.clone())
        .await;
    assert_eq!(response.status(), 202);
    let response = sim.get("/api/whoami-v2", Some("hf_bob")).await;
    assert_eq!(
        header(&response, "x-error-message"),
        "Invalid credentials in Authorization header"
    );
    assert_error(response, 401).await;
    // Repeats, unknown values and garbage are all 202.
    assert_eq!(
        sim.post("/api/credentials/revoke", None, body)
            .await
            .status(),
        202
    );
    assert_eq!(
        sim.post("/api/credentials/revoke", Some("hf_bob"), json!("garbage"))
            .await
            .status(),
        202
    );
    assert_eq!(
        sim.get("/api/whoami-v2", Some("hf_carol")).await.status(),
        200,
        "others untouched"
    );
}

#[tokio::test]
async fn an_org_revoked_token_gets_403_in_that_org_only() {
    let mut seed = base_seed();
    seed["orgs"][0]["plan"] = json!("enterprise");
    let sim = Sim::start(seed).await;
    let revoke = "/api/organizations/acme-ai/settings/tokens/revoke";
    let response = sim
        .post(revoke, Some("hf_alice_admin"), json!({"token": "hf_bob"}))
        .await;
    assert_eq!(response.status(), 200);
    // Idempotent for retries.
    assert_eq!(
        sim.post(revoke, Some("hf_alice_admin"), json!({"token": "hf_bob"}))
            .await
            .status(),
        200
    );

    let denied = sim
        .get(
            "/api/models/acme-ai/llama-ft/user-access-request/accepted",
            Some("hf_bob"),
        )
        .await;
    assert!(header(&denied, "x-error-message").contains("revoked"));
    assert_error(denied, 403).await;
    let me = sim.get_json("/api/whoami-v2", Some("hf_bob")).await;
    let orgs = me["orgs"].as_array().expect("orgs");
    let acme = orgs.iter().find(|o| o["name"] == "acme-ai").expect("acme");
    assert_eq!(acme["securityRestrictions"], json!(["token-revoked"]));
    let free = orgs
        .iter()
        .find(|o| o["name"] == "free-org")
        .expect("free-org");
    assert_eq!(free["securityRestrictions"], json!([]));

    let log = sim.get_json("/api/organizations/acme-ai/audit-log/export?q=type:org.token_approval.authorization_request.revoked", Some("hf_alice_admin")).await;
    assert_eq!(log[0]["data"]["user"], "bob");
    assert!(
        !log.to_string().contains("hf_bob"),
        "the log never holds token values"
    );
}

#[tokio::test]
async fn org_token_revocation_checks_plan_rights_and_value() {
    let sim = Sim::base().await;
    let revoke = "/api/organizations/acme-ai/settings/tokens/revoke";
    assert_error(
        sim.post(revoke, Some("hf_alice_admin"), json!({"token": "hf_bob"}))
            .await,
        402,
    )
    .await;
    let mut seed = base_seed();
    seed["orgs"][0]["plan"] = json!("enterprise");
    let sim = Sim::start(seed).await;
    for (caller, token, status) in [
        ("hf_bob", "hf_carol", 403),
        ("hf_alice_admin", "nope", 400),
        ("hf_alice_admin", "hf_alice_admin", 400),
        ("hf_alice_admin", "hf_unknown", 404),
    ] {
        let response = sim.post(revoke, Some(caller), json!({"token": token}));
        assert_error(response.await, status).await;
    }
}
