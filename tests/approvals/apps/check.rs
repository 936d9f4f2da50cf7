//! `leaver check` (the preflight) on the SCIM apps: each app reachable, its token valid, and
//! whether it supports PATCH, from scim2-server's own answers; a wrong token and an app that
//! does not answer fail, naming the app.

use super::app_setting;
use leaver_app::Settings;
use leaver_app::preflight::{Status, preflight};
use leaver_testkit::scim_app::{ScimApp, ScimAppOptions};

#[tokio::test]
async fn check_shows_each_app_reachable_with_its_token_and_patch_support() {
    let Some(with_patch) = ScimApp::start(ScimAppOptions::default()).await else {
        return;
    };
    let Some(without_patch) = ScimApp::start(ScimAppOptions {
        without_patch: true,
    })
    .await
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let settings = Settings {
        database_url: format!("sqlite://{}", dir.path().join("check.db").display()),
        apps: vec![
            app_setting(
                "15five",
                &with_patch.url,
                &with_patch.token,
                "deactivate",
                "userName",
            ),
            app_setting(
                "8x8",
                &without_patch.url,
                &without_patch.token,
                "delete",
                "emails",
            ),
            app_setting(
                "1password",
                &with_patch.url,
                "a-wrong-token",
                "deactivate",
                "userName",
            ),
            app_setting(
                "gone",
                "http://127.0.0.1:9/scim",
                "t",
                "deactivate",
                "userName",
            ),
        ],
        ..Settings::default()
    };
    let mut findings = Vec::new();
    preflight(&settings, |f| findings.push(f)).await;
    let about = |name: &str| {
        findings
            .iter()
            .find(|f| f.text.starts_with(&format!("app {name}:")))
            .unwrap_or_else(|| panic!("no finding for {name}: {findings:#?}"))
            .clone()
    };
    let ok = about("15five");
    assert_eq!(ok.status, Status::Ok);
    assert_eq!(
        ok.text,
        "app 15five: reachable, token valid, PATCH supported"
    );
    let put = about("8x8");
    assert_eq!(put.status, Status::Ok);
    assert!(
        put.text
            .contains("PATCH not supported (deactivates with PUT)"),
        "{}",
        put.text
    );
    let refused = about("1password");
    assert_eq!(refused.status, Status::Fail);
    assert!(
        refused.text.contains("reachable, token refused"),
        "{}",
        refused.text
    );
    assert!(!refused.text.contains("a-wrong-token"), "{}", refused.text);
    let gone = about("gone");
    assert_eq!(gone.status, Status::Fail);
    assert!(gone.text.contains("not reachable"), "{}", gone.text);
}
