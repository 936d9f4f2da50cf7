//! The settings page lists operators and API keys without a secret, and removes an operator or
//! revokes a key through a CSRF-checked form: the removed operator's open session is logged out
//! on its next request, the revoked key is refused by the API, and each change is an audit
//! record naming the operator who made it.

use crate::support::{OPERATOR, PASSWORD, Session, apps, cookie};
use leaver_store::Store;
use reqwest::StatusCode;

const ANN: &str = "ann@acme.test";

#[tokio::test]
async fn an_operator_removes_another_and_revokes_a_key_from_the_settings_page() {
    let (_dir, apps) = apps().await;
    for app in &apps {
        let backend = app.dialect;
        app.app.add_operator(ANN, PASSWORD).await.expect("ann");
        let ann_login = app.try_login(ANN, PASSWORD).await;
        assert_eq!(ann_login.status, StatusCode::SEE_OTHER, "{backend:?}");
        let ann = Session {
            cookie: cookie(&ann_login.set_cookies, "leaver_session").expect("ann's cookie"),
            csrf: String::new(),
        };
        assert_eq!(app.get("/", Some(&ann)).await.status, StatusCode::OK);
        let ops = app.login().await;

        let page = app.get("/settings", Some(&ops)).await;
        assert_eq!(page.status, StatusCode::OK, "{backend:?}");
        for shown in [
            OPERATOR,
            ANN,
            "hr",
            "/settings/operators/remove",
            "/settings/apikeys/revoke",
        ] {
            assert!(page.body.contains(shown), "{backend:?}: {shown} missing");
        }
        for secret in [
            app.key.as_str(),
            "$argon2",
            &ann.cookie["leaver_session=".len()..],
        ] {
            assert!(
                !page.body.contains(secret),
                "{backend:?}: a secret is shown"
            );
        }

        // Without the form's token nothing happens.
        let forged = app
            .post_form(
                "/settings/operators/remove",
                Some(&ops.cookie),
                Some(&app.url),
                &[("email", ANN)],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{backend:?}");
        assert_eq!(app.get("/", Some(&ann)).await.status, StatusCode::OK);

        let removed = app
            .submit(&ops, "/settings/operators/remove", &[("email", ANN)])
            .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(
            removed.location.as_deref(),
            Some("/settings?notice=operator_removed")
        );
        let after = app.get("/", Some(&ann)).await;
        assert_eq!(
            after.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: ann is logged out"
        );
        assert!(
            after
                .location
                .as_deref()
                .is_some_and(|l| l.starts_with("/login")),
            "{:?}",
            after.location
        );
        assert_eq!(
            app.try_login(ANN, PASSWORD).await.status,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: ann can no longer log in"
        );

        assert_eq!(
            app.api("GET", "/api/v1/cases", None).await.status,
            StatusCode::OK
        );
        let revoked = app
            .submit(&ops, "/settings/apikeys/revoke", &[("name", "hr")])
            .await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(
            app.api("GET", "/api/v1/cases", None).await.status,
            StatusCode::UNAUTHORIZED,
            "{backend:?}: the revoked key is refused"
        );
        let again = app
            .submit(&ops, "/settings/apikeys/revoke", &[("name", "hr")])
            .await;
        assert_eq!(
            again.location.as_deref(),
            Some("/settings?notice=not_found")
        );

        let page = app.get("/settings", Some(&ops)).await;
        assert!(
            !page.body.contains(ANN),
            "{backend:?}: ann is no longer listed"
        );
        assert!(page.body.contains("No API key."), "{backend:?}");

        let audit = app.store.audit_events(None).await.expect("audit");
        let changes: Vec<(String, String, String)> = audit
            .iter()
            .filter(|r| r.kind == "operator_removed" || r.kind == "api_key_revoked")
            .map(|r| (r.actor.clone(), r.kind.clone(), r.data.to_string()))
            .collect();
        let by = format!("operator:{OPERATOR}");
        assert_eq!(changes.len(), 2, "{backend:?}: {changes:?}");
        assert_eq!(
            (changes[0].0.as_str(), changes[0].1.as_str()),
            (by.as_str(), "operator_removed")
        );
        assert!(changes[0].2.contains(ANN), "{changes:?}");
        assert_eq!(
            (changes[1].0.as_str(), changes[1].1.as_str()),
            (by.as_str(), "api_key_revoked")
        );
        assert!(changes[1].2.contains("\"hr\""), "{changes:?}");
        let chain = app.store.verify_audit().await.expect("verify");
        assert!(chain.broken.is_none(), "{backend:?}: {chain:?}");
    }
}
