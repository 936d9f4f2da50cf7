//! Reads: whoami-v2, org and user overviews, the member list and its pagination.

mod common;

use common::{Sim, assert_error, base_seed, header, next_link};
use serde_json::{Value, json};

#[tokio::test]
async fn whoami_reports_the_role_in_each_org_and_the_token_role() {
    let sim = Sim::base().await;
    let me = sim.get_json("/api/whoami-v2", Some("hf_alice_read")).await;
    assert_eq!(me["type"], "user");
    assert_eq!(me["name"], "alice");
    assert_eq!(me["email"], "alice@acme.test");
    assert_eq!(me["auth"]["accessToken"]["role"], "read");
    let orgs = me["orgs"].as_array().expect("orgs array");
    let acme = orgs
        .iter()
        .find(|o| o["name"] == "acme-ai")
        .expect("acme-ai listed");
    assert_eq!(acme["roleInOrg"], "admin");
    assert_eq!(acme["plan"], "team");
    assert_eq!(acme["type"], "org");
    assert_eq!(acme["securityRestrictions"], json!([]));
    assert!(
        orgs.iter().all(|o| o["name"] != "free-org"),
        "alice is not in free-org"
    );

    let bob = sim.get_json("/api/whoami-v2", Some("hf_bob")).await;
    assert_eq!(bob["auth"]["accessToken"]["role"], "write");
    let acme = bob["orgs"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["name"] == "acme-ai").cloned());
    let groups = &acme.expect("bob in acme-ai")["resourceGroups"];
    assert_eq!(groups[0]["name"], "research");
    assert_eq!(groups[0]["role"], "write");
    assert_eq!(groups[0]["id"].as_str().map(str::len), Some(24));
}

#[tokio::test]
async fn a_bad_or_missing_token_gets_401_with_the_hub_message() {
    let sim = Sim::base().await;
    for token in [Some("hf_nope"), None] {
        let response = sim.get("/api/whoami-v2", token).await;
        assert_eq!(
            header(&response, "x-error-message"),
            "Invalid credentials in Authorization header"
        );
        assert_error(response, 401).await;
    }
    // A bad token is refused even on endpoints that allow anonymous callers.
    assert_error(
        sim.get("/api/organizations/acme-ai/members", Some("hf_nope"))
            .await,
        401,
    )
    .await;
}

#[tokio::test]
async fn org_overview_gives_plan_and_member_count() {
    let sim = Sim::base().await;
    let org = sim
        .get_json("/api/organizations/acme-ai/overview", None)
        .await;
    assert_eq!(org["name"], "acme-ai");
    assert_eq!(org["plan"], "team");
    assert_eq!(org["numUsers"], 3);
    assert_eq!(org["numModels"], 2);
    assert_eq!(org["numDatasets"], 1);
    assert_error(sim.get("/api/organizations/nope/overview", None).await, 404).await;
}

#[tokio::test]
async fn user_overview_lists_the_users_orgs() {
    let sim = Sim::base().await;
    let bob = sim.get_json("/api/users/bob/overview", None).await;
    assert_eq!(bob["user"], "bob");
    assert_eq!(bob["fullname"], "Bob B");
    let mut orgs: Vec<&str> = bob["orgs"]
        .as_array()
        .expect("orgs")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    orgs.sort_unstable();
    assert_eq!(orgs, ["acme-ai", "ent-basic", "ent-managed", "free-org"]);
    assert_error(sim.get("/api/users/nobody/overview", None).await, 404).await;
}

#[tokio::test]
async fn member_role_is_shown_to_members_and_hidden_from_others() {
    let sim = Sim::base().await;
    let as_member: Vec<Value> = serde_json::from_value(
        sim.get_json("/api/organizations/acme-ai/members", Some("hf_carol"))
            .await,
    )
    .expect("array");
    let bob = as_member
        .iter()
        .find(|m| m["user"] == "bob")
        .expect("bob listed");
    assert_eq!(bob["role"], "write");
    assert_eq!(bob["type"], "user");
    assert_eq!(bob["_id"].as_str().map(str::len), Some(24));
    assert_eq!(bob["resourceGroups"][0]["name"], "research");
    assert_eq!(bob["resourceGroups"][0]["numUsers"], 1);
    assert!(bob.get("verifiedEmail").is_none(), "only admins see emails");

    for token in [Some("hf_erin"), None] {
        let members = sim
            .get_json("/api/organizations/acme-ai/members", token)
            .await;
        let members = members.as_array().expect("array");
        assert_eq!(members.len(), 3);
        assert!(
            members
                .iter()
                .all(|m| m.get("role").is_none() && m.get("resourceGroups").is_none())
        );
        assert!(
            members
                .iter()
                .all(|m| m["fullname"].is_string() && m["avatarUrl"].is_string())
        );
    }
}

#[tokio::test]
async fn admins_of_paid_orgs_see_verified_emails() {
    let sim = Sim::base().await;
    let members = sim
        .get_json("/api/organizations/acme-ai/members", Some("hf_alice_admin"))
        .await;
    let bob = members
        .as_array()
        .and_then(|m| m.iter().find(|m| m["user"] == "bob").cloned())
        .expect("bob");
    assert_eq!(bob["verifiedEmail"], "bob@acme.test");

    let free = sim
        .get_json("/api/organizations/free-org/members", Some("hf_frank"))
        .await;
    assert!(
        free.as_array()
            .expect("array")
            .iter()
            .all(|m| m.get("verifiedEmail").is_none())
    );
}

#[tokio::test]
async fn members_can_be_searched_by_name_and_email() {
    let sim = Sim::base().await;
    let found = sim
        .get_json("/api/organizations/acme-ai/members?search=BOB", None)
        .await;
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    assert_eq!(found[0]["user"], "bob");
    let by_name = sim
        .get_json("/api/organizations/acme-ai/members?search=carol%20c", None)
        .await;
    assert_eq!(by_name[0]["user"], "carol");
    let by_email = sim
        .get_json(
            "/api/organizations/acme-ai/members?email=carol%40acme.test",
            Some("hf_alice_admin"),
        )
        .await;
    assert_eq!(by_email.as_array().map(Vec::len), Some(1));
    assert_eq!(by_email[0]["user"], "carol");
}

#[tokio::test]
async fn the_email_filter_only_matches_the_orgs_domains() {
    let mut seed = base_seed();
    seed["orgs"][0]["email_domains"] = json!(["corp.test"]);
    let sim = Sim::start(seed).await;
    let found = sim
        .get_json(
            "/api/organizations/acme-ai/members?email=carol%40acme.test",
            Some("hf_alice_admin"),
        )
        .await;
    assert_eq!(found, json!([]));
}

#[tokio::test]
async fn member_limit_out_of_range_is_a_400() {
    let sim = Sim::base().await;
    for limit in ["9", "10001", "abc"] {
        let response = sim
            .get(
                &format!("/api/organizations/acme-ai/members?limit={limit}"),
                None,
            )
            .await;
        assert_error(response, 400).await;
    }
    assert_eq!(
        sim.get("/api/organizations/acme-ai/members?limit=10", None)
            .await
            .status(),
        200
    );
    assert_error(sim.get("/api/organizations/nope/members", None).await, 404).await;
}

fn big_org(members: usize) -> Value {
    let mut seed = base_seed();
    let users: Vec<Value> = (0..members)
        .map(|i| json!({"username": format!("user{i:04}"), "fullname": format!("User {i}")}))
        .collect();
    let mut list: Vec<Value> = users
        .iter()
        .map(|u| json!({"user": u["username"], "role": "read"}))
        .collect();
    list.push(json!({"user": "alice", "role": "admin"}));
    seed["users"].as_array_mut().expect("users").extend(users);
    seed["orgs"][0]["members"] = Value::Array(list);
    seed
}

#[tokio::test]
async fn twelve_hundred_members_come_back_over_link_pages_without_loss() {
    let sim = Sim::start(big_org(1200)).await;
    let (all, pages) = sim
        .all_pages(
            "/api/organizations/acme-ai/members?limit=100",
            Some("hf_alice_admin"),
        )
        .await;
    assert_eq!(all.len(), 1201);
    assert_eq!(pages, 13);
    let mut names: Vec<&str> = all.iter().filter_map(|m| m["user"].as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 1201, "no member repeated");

    // Default page size is 500; the next link keeps the other parameters.
    let first = sim
        .get("/api/organizations/acme-ai/members?search=user", None)
        .await;
    let next = next_link(&first).expect("a next page");
    assert!(next.starts_with(&sim.url) && next.contains("search=user") && next.contains("cursor="));
    let page: Vec<Value> = first.json().await.expect("array");
    assert_eq!(page.len(), 500);
}

#[tokio::test]
async fn removing_members_while_paging_skips_nobody_else() {
    let sim = Sim::start(big_org(30)).await;
    // Sorted by username: alice, user0000, ..., user0008 on the first page.
    let first = sim
        .get(
            "/api/organizations/acme-ai/members?limit=10",
            Some("hf_alice_admin"),
        )
        .await;
    let next = next_link(&first).expect("next page");
    let page: Vec<Value> = first.json().await.expect("array");
    assert_eq!(page[9]["user"], "user0008");
    for user in ["user0000", "user0008"] {
        let removed = sim
            .delete(
                &format!("/api/organizations/acme-ai/members/{user}"),
                Some("hf_alice_admin"),
            )
            .await;
        assert_eq!(removed.status(), 200);
    }
    let second: Vec<Value> = sim
        .get(&next, Some("hf_alice_admin"))
        .await
        .json()
        .await
        .expect("array");
    assert_eq!(
        second[0]["user"], "user0009",
        "the cursor is a key, not an offset"
    );
}
