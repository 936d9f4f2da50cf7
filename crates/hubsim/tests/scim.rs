//! SCIM on both bases: auth, filters, paging, deprovisioning, groups.

mod common;

use common::{Sim, assert_error, base_seed};
use serde_json::{Value, json};

const MANAGED: &str = "/api/organizations/ent-managed/scim/v2";
const BASIC: &str = "/api/organizations/ent-basic/scim-provisioning/v2";
const MANAGED_TOKEN: Option<&str> = Some("scim_managed_secret");
const BASIC_TOKEN: Option<&str> = Some("scim_basic_secret");

async fn scim_id(sim: &Sim, base: &str, token: Option<&str>, user: &str) -> String {
    let list = sim
        .get_json(
            &format!("{base}/Users?filter=userName%20eq%20{user}"),
            token,
        )
        .await;
    list["Resources"][0]["id"]
        .as_str()
        .expect("user found")
        .to_string()
}

fn is_member(state: &Value, org: &str, user: &str) -> bool {
    let org = state["orgs"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["name"] == org).cloned())
        .expect("org");
    org["members"]
        .as_array()
        .is_some_and(|m| m.iter().any(|m| m["user"] == user))
}

#[tokio::test]
async fn filters_match_quoted_and_unquoted_values() {
    let sim = Sim::base().await;
    for filter in [
        "userName%20eq%20bob",
        "userName%20eq%20%22bob%22",
        "externalId%20eq%20%22okta-bob%22",
        "emails%20eq%20bob%40acme.test",
    ] {
        let list = sim
            .get_json(&format!("{MANAGED}/Users?filter={filter}"), MANAGED_TOKEN)
            .await;
        assert_eq!(list["totalResults"], 1, "filter {filter}");
        let bob = &list["Resources"][0];
        assert_eq!(bob["userName"], "bob");
        assert_eq!(bob["externalId"], "okta-bob");
        assert_eq!(bob["active"], true);
        assert_eq!(
            bob["emails"][0],
            json!({"value": "bob@acme.test", "primary": true, "type": "work"})
        );
        assert_eq!(bob["name"]["givenName"], "Bob");
        assert_eq!(
            bob["schemas"],
            json!(["urn:ietf:params:scim:schemas:core:2.0:User"])
        );
        assert!(
            bob["meta"]["location"]
                .as_str()
                .is_some_and(|l| l.ends_with(&format!(
                    "/scim/v2/Users/{}",
                    bob["id"].as_str().unwrap_or("?")
                )))
        );
    }
    let id = scim_id(&sim, MANAGED, MANAGED_TOKEN, "bob").await;
    let by_id = sim
        .get_json(
            &format!("{MANAGED}/Users?filter=id%20eq%20%22{id}%22"),
            MANAGED_TOKEN,
        )
        .await;
    assert_eq!(by_id["Resources"][0]["userName"], "bob");
    let bad = sim
        .get(
            &format!("{MANAGED}/Users?filter=userName%20co%20bo"),
            MANAGED_TOKEN,
        )
        .await;
    assert_error(bad, 400).await;
}

#[tokio::test]
async fn start_index_and_count_page_a_list_response() {
    let sim = Sim::base().await;
    let first = sim
        .get_json(
            &format!("{MANAGED}/Users?startIndex=1&count=1"),
            MANAGED_TOKEN,
        )
        .await;
    assert_eq!(
        first["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(first["totalResults"], 2);
    assert_eq!(first["itemsPerPage"], 1);
    assert_eq!(first["startIndex"], 1);
    assert_eq!(first["Resources"][0]["userName"], "alice");
    let second = sim
        .get_json(
            &format!("{MANAGED}/Users?startIndex=2&count=1"),
            MANAGED_TOKEN,
        )
        .await;
    assert_eq!(second["Resources"][0]["userName"], "bob");
    let past = sim
        .get_json(
            &format!("{MANAGED}/Users?startIndex=3&count=1"),
            MANAGED_TOKEN,
        )
        .await;
    assert_eq!(past["Resources"], json!([]));
}

#[tokio::test]
async fn scim_accepts_the_org_token_or_an_admin_token_only() {
    let sim = Sim::base().await;
    assert_eq!(
        sim.get(&format!("{MANAGED}/Users"), Some("hf_alice_admin"))
            .await
            .status(),
        200
    );
    assert_error(
        sim.get(&format!("{MANAGED}/Users"), Some("hf_bob")).await,
        403,
    )
    .await;
    assert_error(sim.get(&format!("{MANAGED}/Users"), None).await, 401).await;
    assert_error(sim.get(&format!("{MANAGED}/Users"), BASIC_TOKEN).await, 401).await;
}

#[tokio::test]
async fn each_base_exists_only_on_orgs_with_that_scim_mode() {
    let sim = Sim::base().await;
    let wrong_base = sim
        .get(
            "/api/organizations/ent-managed/scim-provisioning/v2/Users",
            MANAGED_TOKEN,
        )
        .await;
    assert_error(wrong_base, 404).await;
    let no_scim = sim
        .get(
            "/api/organizations/acme-ai/scim/v2/Users",
            Some("hf_alice_admin"),
        )
        .await;
    assert_error(no_scim, 404).await;
}

#[tokio::test]
async fn patch_active_false_removes_the_membership_on_a_managed_org_and_true_restores_it() {
    let sim = Sim::base().await;
    let id = scim_id(&sim, MANAGED, MANAGED_TOKEN, "bob").await;
    let deactivate = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                            "Operations": [{"op": "replace", "path": "active", "value": false}]});
    let response = sim
        .patch(&format!("{MANAGED}/Users/{id}"), MANAGED_TOKEN, deactivate)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.expect("json")["active"],
        false
    );
    let state = sim.state().await;
    assert!(!is_member(&state, "ent-managed", "bob"));
    assert!(
        state["users"]
            .as_array()
            .is_some_and(|u| u.iter().any(|u| u["username"] == "bob")),
        "account kept"
    );
    let still_listed = sim
        .get_json(&format!("{MANAGED}/Users/{id}"), MANAGED_TOKEN)
        .await;
    assert_eq!(still_listed["active"], false);

    let log = sim
        .get_json(
            "/api/organizations/ent-managed/audit-log/export?q=type:org.remove_user",
            Some("hf_alice_admin"),
        )
        .await;
    assert_eq!(log[0]["author"]["type"], "system");

    // Entra-style: no path, string boolean.
    let reactivate = json!({"Operations": [{"op": "Replace", "value": {"active": "True"}}]});
    assert_eq!(
        sim.patch(&format!("{MANAGED}/Users/{id}"), MANAGED_TOKEN, reactivate)
            .await
            .status(),
        200
    );
    assert!(is_member(&sim.state().await, "ent-managed", "bob"));
}

#[tokio::test]
async fn deleting_a_managed_user_deletes_the_account() {
    let sim = Sim::base().await;
    let id = scim_id(&sim, MANAGED, MANAGED_TOKEN, "bob").await;
    let response = sim
        .delete(&format!("{MANAGED}/Users/{id}"), MANAGED_TOKEN)
        .await;
    assert_eq!(response.status(), 204);
    let state = sim.state().await;
    assert!(
        state["users"]
            .as_array()
            .is_some_and(|u| u.iter().all(|u| u["username"] != "bob"))
    );
    assert!(!is_member(&state, "acme-ai", "bob"), "gone from every org");
    assert_error(sim.get("/api/whoami-v2", Some("hf_bob")).await, 401).await;
    assert_error(
        sim.get(&format!("{MANAGED}/Users/{id}"), MANAGED_TOKEN)
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn basic_sso_lists_invitations_and_delete_removes_membership_groups_and_invites() {
    let sim = Sim::base().await;
    let list = sim.get_json(&format!("{BASIC}/Users"), BASIC_TOKEN).await;
    let names: Vec<&str> = list["Resources"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|u| u["userName"].as_str())
        .collect();
    assert_eq!(
        names,
        ["alice", "bob", "dave"],
        "members and pending invitations"
    );

    for user in ["bob", "dave"] {
        let id = scim_id(&sim, BASIC, BASIC_TOKEN, user).await;
        assert_eq!(
            sim.delete(&format!("{BASIC}/Users/{id}"), BASIC_TOKEN)
                .await
                .status(),
            204
        );
        assert_error(
            sim.delete(&format!("{BASIC}/Users/{id}"), BASIC_TOKEN)
                .await,
            404,
        )
        .await;
    }
    let state = sim.state().await;
    assert!(!is_member(&state, "ent-basic", "bob"));
    assert!(
        is_member(&state, "acme-ai", "bob"),
        "the account and other orgs are untouched"
    );
    let org = state["orgs"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["name"] == "ent-basic").cloned())
        .expect("org");
    assert!(org.get("invitations").is_none_or(|i| i == &json!([])));
}

#[tokio::test]
async fn scim_user_creation_on_both_bases() {
    let sim = Sim::base().await;
    let new_user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "gina",
        "externalId": "okta-gina", "emails": [{"value": "gina@ent.test"}], "name": {"givenName": "Gina", "familyName": "G"}});
    let created = sim
        .post(&format!("{MANAGED}/Users"), MANAGED_TOKEN, new_user.clone())
        .await;
    assert_eq!(created.status(), 201);
    assert!(is_member(&sim.state().await, "ent-managed", "gina"));
    assert_error(
        sim.post(&format!("{MANAGED}/Users"), MANAGED_TOKEN, new_user)
            .await,
        409,
    )
    .await;

    let invite = json!({"userName": "erin", "externalId": "okta-erin", "emails": [{"value": "erin@else.test"}]});
    assert_eq!(
        sim.post(&format!("{BASIC}/Users"), BASIC_TOKEN, invite)
            .await
            .status(),
        201
    );
    let erin = sim
        .get_json(
            &format!("{BASIC}/Users?filter=userName%20eq%20%22erin%22"),
            BASIC_TOKEN,
        )
        .await;
    assert_eq!(erin["Resources"][0]["active"], true);
    assert!(
        !is_member(&sim.state().await, "ent-basic", "erin"),
        "an invitation, not a membership"
    );
}

#[tokio::test]
async fn scim_groups_can_be_created_patched_and_filtered() {
    let sim = Sim::start(base_seed()).await;
    let bob = scim_id(&sim, MANAGED, MANAGED_TOKEN, "bob").await;
    let alice = scim_id(&sim, MANAGED, MANAGED_TOKEN, "alice").await;
    let group =
        json!({"displayName": "Engineering", "members": [{"value": bob}, {"value": alice}]});
    let created = sim
        .post(&format!("{MANAGED}/Groups"), MANAGED_TOKEN, group.clone())
        .await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_error(
        sim.post(&format!("{MANAGED}/Groups"), MANAGED_TOKEN, group)
            .await,
        409,
    )
    .await;

    let remove =
        json!({"Operations": [{"op": "remove", "path": format!("members[value eq \"{bob}\"]")}]});
    let patched = sim
        .patch(&format!("{MANAGED}/Groups/{id}"), MANAGED_TOKEN, remove)
        .await;
    assert_eq!(patched.status(), 200);
    assert_eq!(
        patched.json::<Value>().await.expect("json")["members"],
        json!([{"value": alice, "display": "alice"}])
    );

    let found = sim.get_json(&format!("{MANAGED}/Groups?filter=displayName%20eq%20%22Engineering%22&excludedAttributes=members"), MANAGED_TOKEN).await;
    assert_eq!(found["totalResults"], 1);
    assert!(found["Resources"][0].get("members").is_none());
    assert_eq!(
        sim.delete(&format!("{MANAGED}/Groups/{id}"), MANAGED_TOKEN)
            .await
            .status(),
        204
    );
    assert_error(
        sim.get(&format!("{MANAGED}/Groups/{id}"), MANAGED_TOKEN)
            .await,
        404,
    )
    .await;
}
