//! `POST /api/v1/cases/{id}/tokens`: raw Hub tokens handed over for the case's `flag_tokens`
//! step are checked, sealed, and named by fingerprint only; they never reach the database or
//! an answer in clear. Leaver's own Hub token is refused, and so are too many at once or for
//! one case.

use crate::chrome::serve;
use crate::support::{LEAVER_HUB_TOKEN, Reply, TestApp, apps};
use leaver_store::Store;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;

const BOB_TOKEN: &str = "hf_BobsLeakedToken0123456789";

/// `count` distinct well-formed token values, `prefix` telling batches apart.
fn tokens(prefix: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|n| format!("hf_{prefix}_{n:04}_abcdefgh"))
        .collect()
}

async fn hand_over(app: &TestApp, id: &str, tokens: &[String]) -> Reply {
    let body = json!({ "tokens": tokens }).to_string();
    app.api("POST", &format!("/api/v1/cases/{id}/tokens"), Some(&body))
        .await
}

/// The `(field, message)` pairs of a 422.
fn fields(reply: &Reply) -> Vec<(String, String)> {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    reply.json()["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
            (text("field"), text("message"))
        })
        .collect()
}

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

        let refused = hand_over(&app, &id, &[BOB_TOKEN.into(), "ghp_notahubtoken123".into()]).await;
        let wrong = fields(&refused);
        assert_eq!(wrong.len(), 1, "{wrong:?}");
        assert_eq!(wrong[0].0, "tokens[1]");
        assert!(wrong[0].1.contains("hf_"), "{wrong:?}");
        assert!(
            !refused.body.contains("ghp_notahubtoken123"),
            "never repeated"
        );
        assert_eq!(app.count("held_token").await, 0, "nothing held");

        let held = hand_over(&app, &id, &[BOB_TOKEN.into()]).await;
        assert_eq!(held.status, StatusCode::ACCEPTED, "{}", held.body);
        assert_eq!(held.json()["added"], 1);
        let fingerprint = held.json()["fingerprints"][0]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(fingerprint.starts_with("hf_…6789 sha256:"), "{fingerprint}");
        assert!(!held.body.contains(BOB_TOKEN));
        let replay = hand_over(&app, &id, &[BOB_TOKEN.into()]).await;
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
        let missing = hand_over(&app, unknown, &[BOB_TOKEN.into()]).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        app.api("POST", &format!("/api/v1/cases/{id}/cancel"), None)
            .await;
        let closed = hand_over(&app, &id, &[BOB_TOKEN.into()]).await;
        assert_eq!(closed.status, StatusCode::CONFLICT, "{}", closed.body);
    }
}

#[tokio::test]
async fn leavers_own_hub_token_is_refused_by_item_and_never_repeated() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let id = app.open_case("HR-10", "bob").await;
        for own in [
            LEAVER_HUB_TOKEN.to_owned(),
            format!("  {LEAVER_HUB_TOKEN}\n"),
        ] {
            let refused = hand_over(&app, &id, &[BOB_TOKEN.into(), own]).await;
            let wrong = fields(&refused);
            assert_eq!(wrong.len(), 1, "{wrong:?}");
            assert_eq!(wrong[0].0, "tokens[1]");
            assert!(wrong[0].1.contains("Leaver's own Hub token"), "{wrong:?}");
            assert!(!refused.body.contains(LEAVER_HUB_TOKEN), "{}", refused.body);
        }
        assert_eq!(app.count("held_token").await, 0, "not even bob's is held");
    }
}

#[tokio::test]
async fn too_many_tokens_at_once_or_for_one_case_are_refused() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let id = app.open_case("HR-11", "bob").await;

        let refused = hand_over(&app, &id, &tokens("burst", 21)).await;
        assert_eq!(
            fields(&refused),
            [(
                "tokens".into(),
                "at most 20 tokens per request, got 21".into()
            )]
        );
        assert_eq!(app.count("held_token").await, 0);

        for batch in 0..5 {
            let held = hand_over(&app, &id, &tokens(&format!("b{batch}"), 20)).await;
            assert_eq!(held.status, StatusCode::ACCEPTED, "{}", held.body);
        }
        assert_eq!(app.count("held_token").await, 100);
        let again = hand_over(&app, &id, &tokens("b4", 20)).await;
        assert_eq!(
            again.status,
            StatusCode::ACCEPTED,
            "tokens held already add nothing"
        );
        let over = hand_over(&app, &id, &tokens("b5", 1)).await;
        let wrong = fields(&over);
        assert_eq!(wrong[0].0, "tokens", "{wrong:?}");
        assert!(wrong[0].1.contains("at most 100"), "{wrong:?}");
        assert_eq!(app.count("held_token").await, 100, "nothing added");
    }
}

/// `leaver serve` wires Leaver's own token (`LEAVER_HUB_TOKEN`) into the sealer it takes
/// tokens with: handed over, it is refused.
#[tokio::test]
async fn leaver_serve_refuses_its_own_hub_token() {
    // What crate::chrome::serve sets LEAVER_HUB_TOKEN to, as in the demo world.
    const SERVE_HUB_TOKEN: &str = "hf_demo_leaver_bot_admin";
    let (_dir, apps) = apps().await;
    let app = apps
        .iter()
        .find(|a| a.db_url.starts_with("sqlite"))
        .expect("a SQLite app");
    let id = app.open_case("HR-12", "frank").await;
    let world = include_str!("../../crates/leaver/demo/world.json");
    let seed = hubsim::Seed::from_json(world)
        .map_err(|(at, e)| format!("{at}: {e}"))
        .expect("world");
    let sim = hubsim::spawn(seed).await.expect("hubsim");
    let sink = leaver_mail::smtp_sink::SmtpSink::start().await;
    let (_server, url) = serve(&app.db_url, &sim.url, &sink.url);

    let body = json!({ "tokens": [SERVE_HUB_TOKEN] }).to_string();
    let refused = app
        .http
        .post(format!("{url}/api/v1/cases/{id}/tokens"))
        .bearer_auth(&app.key)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text().await.expect("body");
    assert!(
        text.contains("tokens[0]") && text.contains("Leaver's own"),
        "{text}"
    );
    assert!(!text.contains(SERVE_HUB_TOKEN), "{text}");
    assert_eq!(app.count("held_token").await, 0);
}
