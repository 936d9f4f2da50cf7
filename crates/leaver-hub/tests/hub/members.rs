//! Account, org and member endpoints against hubsim: reads return the seeded state, writes
//! change it.

use leaver_hub::ResourceGroupRole;

use crate::support::{ALICE, standard_seed, start};

#[tokio::test]
async fn whoami_names_the_token_owner_and_their_role_in_each_org() {
    let sim = start(standard_seed()).await;

    let me = sim.client(ALICE).whoami().await.unwrap();

    assert_eq!(me.name, "alice");
    let acme = me
        .orgs
        .iter()
        .find(|o| o.name == "acme-ai")
        .expect("acme-ai listed");
    assert_eq!(acme.role_in_org.as_deref(), Some("admin"));
    assert_eq!(acme.plan.as_deref(), Some("enterprise"));
    assert!(acme.security_restrictions.is_empty());
    let token = me.auth.and_then(|a| a.access_token).expect("token info");
    assert_eq!(token.role.as_deref(), Some("write"));
}

#[tokio::test]
async fn org_and_user_overviews_report_plan_and_public_orgs() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);

    let acme = client.org_overview("acme-ai").await.unwrap();
    let free = client.org_overview("free-org").await.unwrap();
    let bob = client.user_overview("bob").await.unwrap();

    assert_eq!(acme.plan.as_deref(), Some("enterprise"));
    assert_eq!(acme.num_users, Some(4));
    assert_eq!(free.plan, None, "free orgs carry no plan");
    assert_eq!(bob.user, "bob");
    assert!(
        bob.orgs.iter().any(|o| o.name == "acme-ai"),
        "{:?}",
        bob.orgs
    );
}

#[tokio::test]
async fn find_member_picks_the_exact_username_among_search_results() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);

    let bob = client
        .find_member("acme-ai", "bob")
        .await
        .unwrap()
        .expect("bob is a member");
    let nobody = client.find_member("acme-ai", "dave").await.unwrap();

    assert_eq!(bob.user, "bob", "not bobby");
    assert_eq!(bob.role.as_deref(), Some("write"));
    assert_eq!(bob.resource_groups.len(), 1);
    assert_eq!(bob.resource_groups[0].name.as_deref(), Some("research"));
    assert!(nobody.is_none());
}

#[tokio::test]
async fn set_member_role_replaces_the_whole_resource_group_list() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);
    let bob = client.find_member("acme-ai", "bob").await.unwrap().unwrap();

    client
        .set_member_role("acme-ai", "bob", "read", &bob.resource_group_roles())
        .await
        .unwrap();
    let kept = client.find_member("acme-ai", "bob").await.unwrap().unwrap();
    assert_eq!(kept.role.as_deref(), Some("read"));
    assert_eq!(
        kept.resource_group_roles(),
        bob.resource_group_roles(),
        "groups sent back are kept"
    );

    let ops = client
        .resource_groups("acme-ai")
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.name == "ops")
        .unwrap();
    let only_ops = [ResourceGroupRole {
        id: ops.id.clone(),
        role: "read".into(),
    }];
    client
        .set_member_role("acme-ai", "bob", "read", &only_ops)
        .await
        .unwrap();
    let moved = client.find_member("acme-ai", "bob").await.unwrap().unwrap();
    assert_eq!(
        moved.resource_group_roles(),
        only_ops,
        "research was dropped"
    );

    client
        .set_member_role("acme-ai", "bob", "no_access", &[])
        .await
        .unwrap();
    let stripped = client.find_member("acme-ai", "bob").await.unwrap().unwrap();
    assert_eq!(stripped.role.as_deref(), Some("no_access"));
    assert!(
        stripped.resource_groups.is_empty(),
        "an empty list removes every group"
    );
}

#[tokio::test]
async fn remove_member_removes_and_a_second_removal_is_not_found() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);

    client.remove_member("acme-ai", "bob").await.unwrap();
    let again = client.remove_member("acme-ai", "bob").await.unwrap_err();

    assert!(
        client
            .org_members("acme-ai")
            .await
            .unwrap()
            .iter()
            .all(|m| m.user != "bob")
    );
    assert!(again.is_not_found(), "{again}");
    let state = sim.state().await;
    let acme = state["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "acme-ai")
        .unwrap();
    assert!(
        acme["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["user"] != "bob"),
        "hubsim state agrees"
    );
    let events = client
        .audit_log("acme-ai", Some("type:org.remove_user"))
        .await
        .unwrap();
    assert!(
        events.iter().any(|e| e.kind == "org.remove_user"),
        "{events:?}"
    );
    assert!(
        events.iter().all(|e| e.kind == "org.remove_user"),
        "q filters the export"
    );
}

#[tokio::test]
async fn resource_groups_list_their_members() {
    let sim = start(standard_seed()).await;

    let groups = sim.client(ALICE).resource_groups("acme-ai").await.unwrap();

    let research = groups
        .iter()
        .find(|g| g.name == "research")
        .expect("research");
    assert_eq!(research.users.len(), 1);
    assert_eq!(research.users[0].name, "bob");
    assert_eq!(research.users[0].role.as_deref(), Some("write"));
    assert_eq!(research.id.len(), 24);
}
