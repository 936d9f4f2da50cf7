//! `POST /api/v1/cases/{id}/tokens`: raw Hub tokens handed over for the case's `flag_tokens`
//! step are checked, sealed, and named by fingerprint only; they never reach the database or
//! an answer in clear.

use crate::support::apps;
use leaver_store::Store;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;

const BOB_TOKEN: &str = "hf_BobsLeakedToken0123456789";

#[tokio::test]
async fn tokens_are_checked_sealed_and_named_by_fingerprint_only() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let id = app.open_case("HR-9", "bob").await;
        let path = format!("/api/v1/cases/{id}/tokens");

        let not_a_list = json!({ "tokens": BOB_TOKEN }).to_string();
        let malformed = app.api("POST", &path, Some(&not_a_list)).await;
        assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
        assert!(
            !malformed.body.contains("BobsLeakedToken"),
            "{}",
            malformed.body
        );

        let bad = json!({ "tokens": [BOB_TOKEN, "ghp_notahubtoken123"] }).to_string();
        let refused = app.api("POST", &path, Some(&bad)).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        let fields = refused.json()["fields"].clone();
        assert_eq!(fields[0]["field"], "tokens", "{fields}");
        assert!(
            fields[0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("item 2"),
            "{fields}"
        );
        assert!(
            !refused.body.contains("ghp_notahubtoken123"),
            "never repeated"
        );
        assert_eq!(app.count("held_token").await, 0, "nothing held");

        let good = json!({ "tokens": [BOB_TOKEN] }).to_string();
        let held = app.api("POST", &path, Some(&good)).await;
        assert_eq!(held.status, StatusCode::ACCEPTED, "{}", held.body);
        assert_eq!(held.json()["added"], 1);
        let fingerprint = held.json()["fingerprints"][0]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(fingerprint.starts_with("hf_…6789 sha256:"), "{fingerprint}");
        assert!(!held.body.contains(BOB_TOKEN));
        let replay = app.api("POST", &path, Some(&good)).await;
        assert_eq!(replay.json()["added"], 0, "held once");

        let row = sqlx::query("SELECT fingerprint, sealed FROM held_token")
            .fetch_one(app.store.pool())
            .await
            .expect("row");
        let sealed: String = row.try_get("sealed").expect("sealed");
        assert!(!sealed.is_empty() && !sealed.contains("BobsLeakedToken"));
        let trail = app.store.audit_events(None).await.expect("trail");
        let trail = serde_json::to_string(&trail.iter().map(|r| &r.data).collect::<Vec<_>>())
            .expect("json");
        assert!(
            trail.contains(&fingerprint),
            "the trail names it by fingerprint"
        );
        assert!(!trail.contains("BobsLeakedToken"), "never in clear");

        let unknown = "00000000-0000-4000-8000-000000000000";
        let missing = app
            .api(
                "POST",
                &format!("/api/v1/cases/{unknown}/tokens"),
                Some(&good),
            )
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        app.api("POST", &format!("/api/v1/cases/{id}/cancel"), None)
            .await;
        let closed = app.api("POST", &path, Some(&good)).await;
        assert_eq!(closed.status, StatusCode::CONFLICT, "{}", closed.body);
    }
}
