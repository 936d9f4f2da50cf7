//! Member writes: role change (replace-all resource groups), removal, plan and rights
//! checks, the last-admin guard and the audit log they leave.

mod common;

use common::{Sim, assert_error, header};
use serde_json::{Value, json};

const ROLE_BOB: &str = "/api/organizations/acme-ai/members/bob/role";
const ADMIN: Option<&str> = Some("hf_alice_admin");

async fn member(sim: &Sim, org: &str, user: &str) -> Option<Value> {
    let state = sim.state().await;
    let org = state["orgs"]
        .as_array()?
        .iter()
        .find(|o| o["name"] == org)?
        .clone();
    org["members"]
        .as_array()?
        .iter()
        .find(|m| m["user"] == user)
        .cloned()
}

async fn rg_id(sim: &Sim, user: &str, group: &str) -> String {
    let members = sim
        .get_json("/api/organizations/acme-ai/members", ADMIN)
        .await;
    let member = members
        .as_array()
        .and_then(|m| m.iter().find(|m| m["user"] == user).cloned())
        .expect("member");
    let groups = member["resourceGroups"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let found = groups
        .iter()
        .find(|g| g["name"] == group)
        .expect("group listed");
    found["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn changing_a_role_answers_success_and_is_visible_in_the_member_list() {
    let sim = Sim::base().await;
    let research = rg_id(&sim, "bob", "research").await;
    let body = json!({"role": "read", "resourceGroups": [{"id": research, "role": "read"}]});
    let response = sim.put(ROLE_BOB, ADMIN, body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.expect("json"),
        json!({"success": true})
    );
    let bob = member(&sim, "acme-ai", "bob")
        .await
        .expect("still a member");
    assert_eq!(bob["role"], "read");
    assert_eq!(
        bob["resource_groups"],
        json!([{"name": "research", "role": "read"}])
    );
}

#[tokio::test]
async fn omitting_resource_groups_removes_the_member_from_every_group() {
    let sim = Sim::base().await;
    let response = sim.put(ROLE_BOB, ADMIN, json!({"role": "write"})).await;
    assert_eq!(response.status(), 200);
    let bob = member(&sim, "acme-ai", "bob").await.expect("member");
    assert!(
        bob.get("resource_groups").is_none(),
        "no groups left: {bob}"
    );

    let log = sim
        .get_json(
            "/api/organizations/acme-ai/audit-log/export?q=type:resource_group.remove_users",
            ADMIN,
        )
        .await;
    assert_eq!(log.as_array().map(Vec::len), Some(1));
    assert_eq!(log[0]["data"]["resourceGroup"], "research");
}

#[tokio::test]
async fn an_empty_resource_group_list_also_removes_every_group_and_groups_can_be_added() {
    let sim = Sim::base().await;
    let research = rg_id(&sim, "bob", "research").await;
    assert_eq!(
        sim.put(
            ROLE_BOB,
            ADMIN,
            json!({"role": "write", "resourceGroups": []})
        )
        .await
        .status(),
        200
    );
    assert!(
        member(&sim, "acme-ai", "bob")
            .await
            .expect("member")
            .get("resource_groups")
            .is_none()
    );
    let back = json!({"role": "write", "resourceGroups": [{"id": research, "role": "admin"}]});
    assert_eq!(sim.put(ROLE_BOB, ADMIN, back).await.status(), 200);
    let bob = member(&sim, "acme-ai", "bob").await.expect("member");
    assert_eq!(bob["resource_groups"][0]["role"], "admin");
}

#[tokio::test]
async fn role_changes_on_a_free_org_answer_402() {
    let sim = Sim::base().await;
    let response = sim
        .put(
            "/api/organizations/free-org/members/bob/role",
            Some("hf_frank"),
            json!({"role": "write"}),
        )
        .await;
    assert_error(response, 402).await;
    let removal = sim
        .delete("/api/organizations/free-org/members/bob", Some("hf_frank"))
        .await;
    assert_error(removal, 402).await;
    assert_eq!(
        member(&sim, "free-org", "bob").await.expect("unchanged")["role"],
        "read"
    );
}

#[tokio::test]
async fn a_read_token_gets_403_on_every_write() {
    let sim = Sim::base().await;
    let read = Some("hf_alice_read");
    assert_error(sim.put(ROLE_BOB, read, json!({"role": "read"})).await, 403).await;
    assert_error(
        sim.delete("/api/organizations/acme-ai/members/bob", read)
            .await,
        403,
    )
    .await;
    let handle = json!({"user": "bob", "status": "rejected"});
    let response = sim
        .post(
            "/api/models/acme-ai/llama-ft/user-access-request/handle",
            read,
            handle,
        )
        .await;
    assert_error(response, 403).await;
    assert_eq!(
        member(&sim, "acme-ai", "bob").await.expect("unchanged")["role"],
        "write"
    );
}

#[tokio::test]
async fn non_admins_cannot_change_roles_or_remove_members() {
    let sim = Sim::base().await;
    assert_error(
        sim.put(ROLE_BOB, Some("hf_bob"), json!({"role": "admin"}))
            .await,
        403,
    )
    .await;
    assert_error(
        sim.delete("/api/organizations/acme-ai/members/carol", Some("hf_bob"))
            .await,
        403,
    )
    .await;
    assert_error(
        sim.delete("/api/organizations/acme-ai/members/carol", Some("hf_erin"))
            .await,
        403,
    )
    .await;
    assert_error(
        sim.delete("/api/organizations/acme-ai/members/carol", None)
            .await,
        401,
    )
    .await;
}

#[tokio::test]
async fn bad_roles_and_resource_group_ids_are_400_and_unknown_targets_404() {
    let sim = Sim::base().await;
    assert_error(
        sim.put(ROLE_BOB, ADMIN, json!({"role": "owner"})).await,
        400,
    )
    .await;
    assert_error(sim.put(ROLE_BOB, ADMIN, json!({})).await, 400).await;
    let bad_rg = json!({"role": "read", "resourceGroups": [{"id": "000000000000000000000000", "role": "read"}]});
    assert_error(sim.put(ROLE_BOB, ADMIN, bad_rg).await, 400).await;
    let unknown_user = sim
        .put(
            "/api/organizations/acme-ai/members/nobody/role",
            ADMIN,
            json!({"role": "read"}),
        )
        .await;
    assert_error(unknown_user, 404).await;
    let not_member = sim
        .put(
            "/api/organizations/acme-ai/members/erin/role",
            ADMIN,
            json!({"role": "read"}),
        )
        .await;
    assert_error(not_member, 404).await;
    let unknown_org = sim
        .put(
            "/api/organizations/nope/members/bob/role",
            ADMIN,
            json!({"role": "read"}),
        )
        .await;
    assert_error(unknown_org, 404).await;
    assert_error(
        sim.delete("/api/organizations/acme-ai/members/erin", ADMIN)
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn removing_the_last_admin_is_refused() {
    let sim = Sim::base().await;
    let removal = sim
        .delete("/api/organizations/acme-ai/members/alice", ADMIN)
        .await;
    assert!(header(&removal, "x-error-message").contains("last admin"));
    assert_error(removal, 409).await;
    let demotion = sim
        .put(
            "/api/organizations/acme-ai/members/alice/role",
            ADMIN,
            json!({"role": "write"}),
        )
        .await;
    assert_error(demotion, 409).await;
    assert_eq!(
        member(&sim, "acme-ai", "alice").await.expect("still there")["role"],
        "admin"
    );

    // With a successor promoted first, both work.
    assert_eq!(
        sim.put(ROLE_BOB, ADMIN, json!({"role": "admin"}))
            .await
            .status(),
        200
    );
    assert_eq!(
        sim.delete("/api/organizations/acme-ai/members/alice", ADMIN)
            .await
            .status(),
        200
    );
    assert!(member(&sim, "acme-ai", "alice").await.is_none());
}

#[tokio::test]
async fn removing_a_member_takes_them_out_of_the_org_and_its_groups_and_is_audited() {
    let sim = Sim::base().await;
    let response = sim
        .delete("/api/organizations/acme-ai/members/bob", ADMIN)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.expect("json"),
        json!({"success": true})
    );
    assert!(member(&sim, "acme-ai", "bob").await.is_none());
    assert_error(
        sim.delete("/api/organizations/acme-ai/members/bob", ADMIN)
            .await,
        404,
    )
    .await;

    let response = sim
        .get(
            "/api/organizations/acme-ai/audit-log/export?q=type:org.remove_user",
            ADMIN,
        )
        .await;
    assert!(header(&response, "content-disposition").contains("attachment"));
    let log: Value = response.json().await.expect("json");
    assert_eq!(log.as_array().map(Vec::len), Some(1));
    assert_eq!(log[0]["type"], "org.remove_user");
    assert_eq!(log[0]["data"]["user"], "bob");
    assert_eq!(log[0]["author"]["user"], "alice");
    assert_eq!(log[0]["token"]["role"], "write");
    assert_eq!(log[0]["_id"].as_str().map(str::len), Some(24));

    let by_author = sim
        .get_json(
            "/api/organizations/acme-ai/audit-log/export?q=author:carol",
            ADMIN,
        )
        .await;
    assert_eq!(by_author, json!([]));
}

#[tokio::test]
async fn the_audit_log_is_for_admins_of_paid_orgs() {
    let sim = Sim::base().await;
    assert_error(
        sim.get(
            "/api/organizations/acme-ai/audit-log/export",
            Some("hf_bob"),
        )
        .await,
        403,
    )
    .await;
    assert_error(
        sim.get(
            "/api/organizations/free-org/audit-log/export",
            Some("hf_frank"),
        )
        .await,
        402,
    )
    .await;
}
