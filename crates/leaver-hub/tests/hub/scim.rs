//! SCIM Users on both bases: find, deactivate, delete.

use leaver_hub::{HubErrorKind, ScimBase};

use crate::support::{ALICE, SCIM_TOKEN, standard_seed, start};

#[tokio::test]
async fn a_managed_scim_user_is_found_deactivated_and_deleted() {
    let sim = start(standard_seed()).await;
    let client = sim.client(SCIM_TOKEN);

    let bob = client
        .scim_find_user("megacorp", ScimBase::Managed, "bob")
        .await
        .unwrap()
        .expect("bob");
    assert_eq!(bob.external_id.as_deref(), Some("okta-bob"));
    assert_eq!(bob.active, Some(true));

    let deactivated = client
        .scim_deactivate("megacorp", ScimBase::Managed, &bob.id)
        .await
        .unwrap();
    assert_eq!(deactivated.active, Some(false));
    let reread = client
        .scim_user("megacorp", ScimBase::Managed, &bob.id)
        .await
        .unwrap();
    assert_eq!(reread.active, Some(false), "deactivation is stored");
    assert!(
        sim.client(ALICE)
            .find_member("megacorp", "bob")
            .await
            .unwrap()
            .is_none(),
        "left the org"
    );

    client
        .scim_delete("megacorp", ScimBase::Managed, &bob.id)
        .await
        .unwrap();
    let gone = client
        .scim_user("megacorp", ScimBase::Managed, &bob.id)
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    assert!(
        client
            .scim_find_user("megacorp", ScimBase::Managed, "bob")
            .await
            .unwrap()
            .is_none()
    );
    let left = client
        .scim_users("megacorp", ScimBase::Managed, None)
        .await
        .unwrap();
    let names: Vec<&str> = left.iter().map(|u| u.user_name.as_str()).collect();
    assert_eq!(
        names,
        ["alice", "carol"],
        "hubsim lists every member of a managed org"
    );
}

#[tokio::test]
async fn a_basic_scim_user_is_deleted_through_the_provisioning_base_with_an_admin_token() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);

    let bob = client
        .scim_find_user("basic-co", ScimBase::Basic, "bob")
        .await
        .unwrap()
        .expect("bob");
    client
        .scim_delete("basic-co", ScimBase::Basic, &bob.id)
        .await
        .unwrap();

    assert!(
        client
            .find_member("basic-co", "bob")
            .await
            .unwrap()
            .is_none(),
        "membership removed"
    );
    assert!(
        client
            .scim_find_user("basic-co", ScimBase::Basic, "bob")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_wrong_scim_base_for_an_org_is_not_found() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);

    let err = client
        .scim_users("basic-co", ScimBase::Managed, None)
        .await
        .unwrap_err();

    assert_eq!(err.kind(), HubErrorKind::NotFound, "{err}");
}
