//! Link-header and SCIM index pagination over large orgs.

use std::collections::HashSet;

use leaver_hub::{Gating, RepoType, ScimBase};
use serde_json::{Value, json};

use crate::support::{ALICE, start};

const MEMBERS: usize = 1200;
const GATED_MODELS: usize = 600;
/// SCIM users provisioned beyond the members; hubsim lists every member of a managed org
/// as a SCIM user too.
const SCIM_ONLY: usize = 50;

fn big_seed() -> Value {
    let names: Vec<String> = (0..MEMBERS).map(|i| format!("user{i:04}")).collect();
    let mut users = vec![json!({"username": "alice", "fullname": "Alice"})];
    users.extend(names.iter().map(|n| json!({"username": n, "fullname": n})));
    let mut members = vec![json!({"user": "alice", "role": "admin"})];
    members.extend(names.iter().map(|n| json!({"user": n, "role": "read"})));
    let scim_users: Vec<Value> = (0..SCIM_ONLY)
        .map(|i| json!({"user": format!("gone{i}")}))
        .collect();
    users.extend(
        (0..SCIM_ONLY).map(|i| json!({"username": format!("gone{i}"), "fullname": "Gone"})),
    );
    let mut repos: Vec<Value> = (0..GATED_MODELS)
        .map(|i| json!({"id": format!("big/model-{i:04}"), "type": "model", "private": i % 3 == 0, "gated": "manual"}))
        .collect();
    repos.extend((0..50).map(|i| json!({"id": format!("big/open-{i}"), "type": "model", "private": false, "gated": false})));
    json!({
        "users": users,
        "tokens": [{"user": "alice", "value": ALICE}],
        "orgs": [{"name": "big", "plan": "plus", "scim": "managed", "members": members, "scim_users": scim_users}],
        "repos": repos,
    })
}

#[tokio::test]
async fn listing_1200_members_follows_the_link_header_to_the_last_page() {
    let sim = start(big_seed()).await;
    let client = sim.client(ALICE);

    let members = client.org_members("big").await.unwrap();

    assert_eq!(members.len(), MEMBERS + 1);
    let distinct: HashSet<&str> = members.iter().map(|m| m.user.as_str()).collect();
    assert_eq!(distinct.len(), MEMBERS + 1, "no member is listed twice");
    assert!(distinct.contains("user1199") && distinct.contains("alice"));
    assert_eq!(
        sim.calls_to("GET /api/organizations/{org}/members").await,
        3,
        "500 per page"
    );
    assert_eq!(client.calls_made(), 3);
}

#[tokio::test]
async fn listing_600_gated_models_follows_the_link_header_and_keeps_expanded_fields() {
    let sim = start(big_seed()).await;
    let client = sim.client(ALICE);

    let repos = client
        .list_repos(RepoType::Model, "big", true)
        .await
        .unwrap();

    assert_eq!(
        repos.len(),
        GATED_MODELS,
        "only gated repos, private ones included"
    );
    assert!(repos.iter().all(|r| r.gated == Gating::Manual));
    assert_eq!(
        repos.iter().filter(|r| r.private == Some(true)).count(),
        GATED_MODELS / 3
    );
    let distinct: HashSet<&str> = repos.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(distinct.len(), GATED_MODELS);
    assert_eq!(sim.calls_to("GET /api/models").await, 2);

    let all = client
        .list_repos(RepoType::Model, "big", false)
        .await
        .unwrap();
    assert_eq!(all.len(), GATED_MODELS + 50);
}

#[tokio::test]
async fn listing_1251_scim_users_pages_by_start_index() {
    let sim = start(big_seed()).await;
    let client = sim.client(ALICE);

    let users = client
        .scim_users("big", ScimBase::Managed, None)
        .await
        .unwrap();

    let expected = MEMBERS + 1 + SCIM_ONLY;
    assert_eq!(users.len(), expected);
    let distinct: HashSet<&str> = users.iter().map(|u| u.user_name.as_str()).collect();
    assert_eq!(distinct.len(), expected);
    let inactive = users.iter().filter(|u| u.active == Some(false)).count();
    assert_eq!(
        inactive, SCIM_ONLY,
        "provisioned non-members are listed as inactive"
    );
    assert_eq!(
        sim.calls_to("GET /api/organizations/{org}/scim/v2/Users")
            .await,
        2,
        "1000 per page"
    );
}
