//! Repos, gated access and tokens against hubsim: reads return the seeded state, writes
//! change it.

use leaver_hub::{AccessStatus, Gating, HubErrorKind, RepoType};
use secrecy::SecretString;

use crate::support::{ALICE, BOB, CAROL, DAVE, standard_seed, start};

#[tokio::test]
async fn gated_repos_and_org_repositories_are_listed() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);

    let gated_models = client
        .list_repos(RepoType::Model, "acme-ai", true)
        .await
        .unwrap();
    let gated_datasets = client
        .list_repos(RepoType::Dataset, "acme-ai", true)
        .await
        .unwrap();
    let spaces = client
        .list_repos(RepoType::Space, "acme-ai", false)
        .await
        .unwrap();
    let everything = client.org_repositories("acme-ai").await.unwrap();

    let ids: Vec<&str> = gated_models.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["acme-ai/llama-ft"]);
    assert_eq!(gated_models[0].gated, Gating::Manual);
    assert_eq!(gated_datasets[0].gated, Gating::Auto);
    assert_eq!(spaces.len(), 1);
    assert_eq!(everything.len(), 5);
    let secret = everything
        .iter()
        .find(|r| r.id == "acme-ai/secret-model")
        .expect("private repo listed");
    assert_eq!(secret.visibility.as_deref(), Some("private"));
    assert_eq!(secret.repo_type(), Some(RepoType::Model));
}

#[tokio::test]
async fn gated_access_can_be_listed_revoked_and_granted() {
    let sim = start(standard_seed()).await;
    let client = sim.client(ALICE);
    let repo = "acme-ai/llama-ft";

    let accepted = client
        .access_requests(RepoType::Model, repo, AccessStatus::Accepted)
        .await
        .unwrap();
    assert_eq!(
        accepted
            .iter()
            .filter_map(|r| r.username())
            .collect::<Vec<_>>(),
        ["bob"]
    );
    assert!(accepted[0].request_id.is_some());

    client
        .handle_access_request(RepoType::Model, repo, "bob", AccessStatus::Rejected)
        .await
        .unwrap();
    client
        .grant_access(RepoType::Model, repo, "dave")
        .await
        .unwrap();

    let accepted = client
        .access_requests(RepoType::Model, repo, AccessStatus::Accepted)
        .await
        .unwrap();
    let rejected = client
        .access_requests(RepoType::Model, repo, AccessStatus::Rejected)
        .await
        .unwrap();
    let pending = client
        .access_requests(RepoType::Model, repo, AccessStatus::Pending)
        .await
        .unwrap();
    assert_eq!(
        accepted
            .iter()
            .filter_map(|r| r.username())
            .collect::<Vec<_>>(),
        ["dave"]
    );
    assert_eq!(
        rejected
            .iter()
            .filter_map(|r| r.username())
            .collect::<Vec<_>>(),
        ["bob"]
    );
    assert_eq!(
        pending
            .iter()
            .filter_map(|r| r.username())
            .collect::<Vec<_>>(),
        ["erin"]
    );
}

#[tokio::test]
async fn an_org_token_revoke_cuts_the_token_off_from_that_org_only() {
    let sim = start(standard_seed()).await;
    let admin = sim.client(ALICE);
    let carol = sim.client(CAROL);

    admin
        .revoke_org_token("acme-ai", &SecretString::from(CAROL))
        .await
        .unwrap();

    let me = carol.whoami().await.unwrap();
    let acme = me.orgs.iter().find(|o| o.name == "acme-ai").unwrap();
    assert_eq!(acme.security_restrictions, ["token-revoked"]);
    let blocked = carol.resource_groups("acme-ai").await.unwrap_err();
    assert_eq!(blocked.kind(), HubErrorKind::Forbidden, "{blocked}");
    let megacorp = me.orgs.iter().find(|o| o.name == "megacorp").unwrap();
    assert!(megacorp.security_restrictions.is_empty());
}

#[tokio::test]
async fn revoked_credentials_stop_working_everywhere() {
    let sim = start(standard_seed()).await;
    let dave = sim.client(DAVE);
    assert_eq!(dave.whoami().await.unwrap().name, "dave");

    sim.client(BOB)
        .revoke_credentials(&[SecretString::from(DAVE)])
        .await
        .unwrap();

    let err = dave.whoami().await.unwrap_err();
    assert_eq!(err.kind(), HubErrorKind::Unauthorized, "{err}");
}
