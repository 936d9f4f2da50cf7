//! Operators, sessions, API keys and the report queries, on SQLite and (with
//! `TEST_POSTGRES_URL`) Postgres.

use leaver_core::{
    CaseId, CaseState, Event, NewStep, StepId, StepKind, StepState, Strategy, Target,
};
use leaver_store::scratch::ticket;
use leaver_store::{AccountStore, Actor, CaseFilter, ReportStore, Store, scratch};
use serde_json::json;
use time::{Duration, OffsetDateTime};

#[tokio::test]
async fn sessions_end_at_their_expiry_or_logout() {
    let dir = tempfile::tempdir().expect("dir");
    for (store, _) in scratch::all(dir.path()).await.expect("stores") {
        let now = OffsetDateTime::now_utc();
        assert!(
            store
                .upsert_operator("Ops@Acme.test", "$argon2id$x", now)
                .await
                .expect("add")
        );
        assert!(
            !store
                .upsert_operator("ops@acme.test", "$argon2id$y", now)
                .await
                .expect("reset")
        );
        let op = store
            .operator_by_email("OPS@acme.test")
            .await
            .expect("read")
            .expect("found");
        assert_eq!(
            (op.email.as_str(), op.password_hash.as_str()),
            ("ops@acme.test", "$argon2id$y")
        );

        store
            .create_session("h1", &op.id, now, now + Duration::hours(1))
            .await
            .expect("session");
        let who = store.session_operator("h1", now).await.expect("read");
        assert_eq!(who.as_deref(), Some("ops@acme.test"));
        assert_eq!(
            store
                .session_operator("h1", now + Duration::hours(2))
                .await
                .expect("read"),
            None,
            "expired"
        );
        store.delete_session("h1").await.expect("logout");
        assert_eq!(store.session_operator("h1", now).await.expect("read"), None);
    }
}

#[tokio::test]
async fn api_keys_are_found_by_hash_and_names_are_unique() {
    let dir = tempfile::tempdir().expect("dir");
    for (store, _) in scratch::all(dir.path()).await.expect("stores") {
        let now = OffsetDateTime::now_utc();
        assert!(
            store
                .create_api_key("hr", "hash1", now)
                .await
                .expect("create")
                .is_some()
        );
        assert!(
            store
                .create_api_key("hr", "hash2", now)
                .await
                .expect("create")
                .is_none()
        );
        assert_eq!(
            store
                .use_api_key("hash1", now)
                .await
                .expect("use")
                .map(|k| k.name),
            Some("hr".into())
        );
        assert!(
            store
                .use_api_key("hash2", now)
                .await
                .expect("use")
                .is_none()
        );
    }
}

#[tokio::test]
async fn reports_count_cases_and_list_waiting_steps_oldest_first() {
    let dir = tempfile::tempdir().expect("dir");
    for (store, _) in scratch::all(dir.path()).await.expect("stores") {
        let t0 = OffsetDateTime::now_utc() - Duration::hours(3);
        for (n, user) in ["bob", "dave"].iter().enumerate() {
            let at = t0 + Duration::hours(n as i64);
            let id = store
                .open_case(
                    &ticket(&format!("HR-{n}"), user),
                    CaseId::random(),
                    &Actor::cli(),
                    at,
                )
                .await
                .expect("open")
                .case
                .id;
            let step = NewStep {
                id: StepId::random(),
                kind: StepKind::StripAccess,
                target: Target::Org("acme-ai".into()),
                strategy: Strategy::Api,
                needs_approval: true,
            };
            let planned = Event::Planned {
                steps: vec![step],
                blocked_reason: None,
            };
            store
                .record(id, vec![planned], &Actor::engine(), json!({}), None, at)
                .await
                .expect("plan");
        }
        store
            .open_case(&ticket("HR-9", "erin"), CaseId::random(), &Actor::cli(), t0)
            .await
            .expect("open");
        let counts = store.case_counts().await.expect("counts");
        assert_eq!(counts[&CaseState::AwaitingApproval], 2);
        assert_eq!(counts[&CaseState::Planning], 1);
        assert_eq!(counts[&CaseState::Completed], 0);
        let waiting = store
            .steps_in_states(&[StepState::AwaitingApproval], 10)
            .await
            .expect("steps");
        let users: Vec<&str> = waiting.iter().map(|s| s.hub_username.as_str()).collect();
        assert_eq!(users, ["bob", "dave"], "the longest waiting first");
        assert_eq!(
            waiting[0].since,
            t0.replace_nanosecond(t0.nanosecond() / 1_000_000 * 1_000_000)
                .expect("ms")
        );
        let steps = store.step_counts().await.expect("steps");
        assert_eq!(steps.iter().map(|c| c.count).sum::<i64>(), 2);
        let filter = CaseFilter {
            search: Some("DAVE".into()),
            limit: Some(1),
            ..CaseFilter::default()
        };
        assert_eq!(store.count_cases(&filter).await.expect("count"), 1);
        let recent = store.recent_audit(2).await.expect("audit");
        assert!(recent[0].seq > recent[1].seq, "newest first");
        let all = store
            .audit_between(t0, OffsetDateTime::now_utc())
            .await
            .expect("period");
        assert_eq!(all.len(), 5);
    }
}
