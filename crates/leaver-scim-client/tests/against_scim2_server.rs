//! The client against a real third-party SCIM service provider, scim2-server (PyPI), on
//! loopback: find by each matching attribute, deactivate by PATCH and by PUT, delete, read
//! back, and the probe's answers for a good token, a wrong one and an app without PATCH.

use leaver_scim_client::{MatchBy, ScimClient, ScimFailure};
use leaver_testkit::scim_app::{ScimApp, ScimAppOptions};

fn client(app: &ScimApp, token: &str) -> ScimClient {
    ScimClient::new(&app.url.parse().expect("url"), token.to_owned().into()).expect("client")
}

#[tokio::test]
async fn finds_a_user_by_each_attribute_and_deactivates_it_by_patch() {
    let Some(app) = ScimApp::start(ScimAppOptions::default()).await else {
        return;
    };
    let id = app.provision("bob@acme.test").await;
    app.provision("bobby@acme.test").await;
    let scim = client(&app, &app.token);
    for (by, value) in [
        (MatchBy::UserName, "Bob@acme.test"),
        (MatchBy::Emails, "bob@acme.test"),
        (MatchBy::ExternalId, "idp-bob@acme.test"),
    ] {
        let found = scim.find_user(by, value).await.expect("find");
        assert_eq!(found.map(|u| u.id), Some(id.clone()), "by {by:?}");
    }
    assert_eq!(
        scim.find_user(MatchBy::UserName, "nobody@acme.test")
            .await
            .expect("find"),
        None
    );
    scim.deactivate_with_patch(&id).await.expect("PATCH");
    let after = scim.user(&id).await.expect("read").expect("still there");
    assert!(!after.view.active);
    assert_eq!(app.user(&id).await.expect("held")["active"], false);
}

#[tokio::test]
async fn deactivates_by_put_where_patch_is_unsupported_and_deletes() {
    let Some(app) = ScimApp::start(ScimAppOptions {
        without_patch: true,
    })
    .await
    else {
        return;
    };
    let id = app.provision("carol@acme.test").await;
    let scim = client(&app, &app.token);
    assert!(!scim.features().await.expect("features").patch);
    let user = scim
        .find_user(MatchBy::Emails, "carol@acme.test")
        .await
        .expect("find")
        .expect("found");
    scim.deactivate_with_put(&user).await.expect("PUT");
    let held = app.user(&id).await.expect("held");
    assert_eq!(held["active"], false);
    assert_eq!(held["userName"], "carol@acme.test", "the rest is kept");
    scim.delete(&id).await.expect("DELETE");
    assert_eq!(scim.user(&id).await.expect("read"), None);
    assert!(app.user(&id).await.is_none());
}

#[tokio::test]
async fn the_probe_tells_a_good_token_from_a_wrong_one_and_reads_patch_support() {
    let Some(app) = ScimApp::start(ScimAppOptions {
        without_patch: true,
    })
    .await
    else {
        return;
    };
    let good = client(&app, &app.token).probe().await;
    assert!(good.reachable && good.token_valid, "{good:?}");
    assert_eq!(good.patch, Some(false));
    let wrong = client(&app, "not-the-token");
    let probe = wrong.probe().await;
    assert!(probe.reachable && !probe.token_valid, "{probe:?}");
    let error = wrong
        .find_user(MatchBy::UserName, "x@acme.test")
        .await
        .expect_err("refused");
    assert_eq!(error.failure, ScimFailure::Unauthorized);
    assert!(!error.to_string().contains("not-the-token"));
}

#[tokio::test]
async fn an_app_that_does_not_answer_is_unreachable_and_transient() {
    let nobody: url::Url = "http://127.0.0.1:9/scim/v2".parse().expect("url");
    let scim = ScimClient::new(&nobody, "t".to_owned().into()).expect("client");
    let probe = scim.probe().await;
    assert!(!probe.reachable && !probe.token_valid);
    let error = scim.user("1").await.expect_err("no answer");
    assert!(error.is_retryable());
}
