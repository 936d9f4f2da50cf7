//! The operator pages render what the store holds, and their forms act on it.

use crate::support::{apps, ticket};
use leaver_core::{Event, NewStep, StepId, StepKind, Strategy, Target};
use leaver_store::{Actor, Store};
use reqwest::StatusCode;
use serde_json::json;
use time::OffsetDateTime;

#[tokio::test]
async fn the_pages_show_cases_steps_and_the_audit_trail() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let session = app.login().await;
        let reply = app
            .submit(
                &session,
                "/cases/new",
                &[
                    ("external_id", "HR-55"),
                    ("email", "bob@acme.test"),
                    ("name", "Bob B"),
                    ("hub_username", "bob"),
                    ("manager_email", "carol@acme.test"),
                    ("successor", ""),
                    ("effective_at", "2030-01-01T00:00:00Z"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        let location = reply.location.unwrap_or_default();
        let id: leaver_core::CaseId = location
            .trim_start_matches("/cases/")
            .split('?')
            .next()
            .unwrap_or_default()
            .parse()
            .expect("case id");
        let step = StepId::random();
        let planned = Event::Planned {
            steps: vec![NewStep {
                id: step,
                kind: StepKind::StripAccess,
                target: Target::Org("acme-ai".into()),
                strategy: Strategy::Api,
                needs_approval: true,
            }],
            blocked_reason: None,
        };
        let now = OffsetDateTime::now_utc();
        app.store
            .record(id, vec![planned], &Actor::engine(), json!({}), None, now)
            .await
            .expect("planned");

        let show = app.get(&location, Some(&session)).await;
        assert_eq!(show.status, StatusCode::OK);
        for text in [
            "HR-55",
            "Case opened",
            "strip_access",
            "org:acme-ai",
            "Run now",
            "Cancel case",
            "case_opened",
            "operator:ops@acme.test",
        ] {
            assert!(show.body.contains(text), "{text} on the case page");
        }
        let dashboard = app.get("/", Some(&session)).await;
        assert!(
            dashboard.body.contains("Steps waiting for approval")
                && dashboard.body.contains("HR-55")
        );
        let list = app
            .get("/cases?state=awaiting_approval&q=bob", Some(&session))
            .await;
        assert!(list.body.contains("HR-55"), "{}", list.body);
        let none = app.get("/cases?state=completed", Some(&session)).await;
        assert!(none.body.contains("No case matches"));
        let audit = app.get("/audit", Some(&session)).await;
        assert!(audit.body.contains("intact") && audit.body.contains("case_opened"));

        let run_now = app
            .submit(&session, &format!("/cases/{id}/run-now"), &[])
            .await;
        assert_eq!(run_now.status, StatusCode::SEE_OTHER);
        assert!(app.store.case(id).await.expect("case").run_now);
    }
}

#[tokio::test]
async fn the_new_case_form_names_each_bad_field_and_writes_nothing() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let session = app.login().await;
        let reply = app
            .submit(
                &session,
                "/cases/new",
                &[
                    ("external_id", ""),
                    ("email", "nope"),
                    ("hub_username", "bob"),
                    ("manager_email", "carol@acme.test"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            reply.body.contains("id=\"external_id-error\"")
                && reply.body.contains("id=\"email-error\"")
        );
        assert!(!reply.body.contains("id=\"hub_username-error\""));
        assert_eq!(app.count("offboarding_case").await, 0);

        let body = ticket("HR-1", "bob").to_string();
        app.api("POST", "/api/v1/cases", Some(&body)).await;
        let conflict = app
            .submit(
                &session,
                "/cases/new",
                &[
                    ("external_id", "HR-1"),
                    ("email", "eve@acme.test"),
                    ("hub_username", "eve"),
                    ("manager_email", "carol@acme.test"),
                ],
            )
            .await;
        assert_eq!(conflict.status, StatusCode::CONFLICT);
        assert!(conflict.body.contains("already exists"));
    }
}

#[tokio::test]
async fn the_paging_of_cases_covers_every_case() {
    let (_dir, apps) = apps().await;
    let app = &apps[0];
    let tickets: Vec<_> = (0..120)
        .map(|n| {
            let input = leaver_core::TicketInput {
                external_id: Some(format!("P-{n:03}")),
                email: Some(format!("p{n}@acme.test")),
                hub_username: Some(format!("p{n}")),
                manager_email: Some("m@acme.test".into()),
                ..Default::default()
            };
            (
                leaver_core::Ticket::parse(&input).expect("valid"),
                leaver_core::CaseId::random(),
            )
        })
        .collect();
    app.store
        .open_cases(&tickets, &Actor::cli(), OffsetDateTime::now_utc())
        .await
        .expect("open");
    let session = app.login().await;
    let first = app.get("/cases", Some(&session)).await;
    assert!(first.body.contains("1–50 of 120"), "{}", first.body);
    assert!(first.body.contains("page=2"));
    let last = app.get("/cases?page=3", Some(&session)).await;
    assert!(last.body.contains("101–120 of 120"));
    assert!(!last.body.contains("Older"));
}
