//! The settings page's apps section (`[[apps]]`): each SCIM app with its base URL, action and
//! matching attribute, and what the background probe found (reachable, token valid, PATCH
//! supported), from real scim2-server processes; never a token.

use crate::support::apps_with;
use leaver_app::apps::AppSetting;
use leaver_testkit::Options;
use leaver_testkit::scim_app::{ScimApp, ScimAppOptions};
use std::time::Duration;

fn setting(name: &str, url: &str, token: &str) -> AppSetting {
    AppSetting {
        name: name.into(),
        kind: "scim".into(),
        base_url: url.into(),
        token_env: format!("LEAVER_APP_{}_TOKEN", name.to_uppercase()),
        action: "deactivate".into(),
        match_by: "emails".into(),
        token: Some(token.to_owned().into()),
    }
}

#[tokio::test]
async fn the_settings_page_shows_each_app_as_probed_without_its_token() {
    let Some(scim) = ScimApp::start(ScimAppOptions {
        without_patch: true,
    })
    .await
    else {
        return;
    };
    let (url, token) = (scim.url.clone(), scim.token.clone());
    let options = Options::default().settings(move |s| {
        s.orgs = vec!["acme-ai".into()];
        s.apps = vec![
            setting("15five", &url, &token),
            setting("1password", &url, "a-wrong-token"),
        ];
    });
    let (_dir, apps) = apps_with(options).await;
    for app in &apps {
        let backend = app.dialect;
        let session = app.login().await;
        let before = app.get("/settings", Some(&session)).await;
        assert!(
            before.body.contains("id=\"apps\""),
            "{backend:?}: {}",
            before.body
        );
        assert!(
            before.body.contains(&scim.url),
            "{backend:?}: the base URL is shown"
        );

        let (stop, stopped) = tokio::sync::watch::channel(false);
        let workers = app.app.start_workers(stopped).expect("workers");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        let page = loop {
            let page = app.get("/settings", Some(&session)).await;
            if page.body.contains("token refused") && page.body.contains("token valid") {
                break page;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{backend:?}: the apps were never probed: {}",
                page.body
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        stop.send(true).expect("stop");
        workers.stopped().await.expect("stopped");

        assert!(
            page.body
                .contains("reachable, token valid, PATCH not supported (deactivates with PUT)"),
            "{backend:?}: {}",
            page.body
        );
        for secret in [scim.token.as_str(), "a-wrong-token"] {
            assert!(
                !page.body.contains(secret),
                "{backend:?}: a token on the page"
            );
        }
    }
}
