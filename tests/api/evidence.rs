//! Evidence exports for one case and for a period, as JSON, CSV and a printable page, from the
//! pages and from `leaver audit export`.

use crate::support::{TestApp, apps, stdout, ticket};
use leaver_core::{CaseId, Event, NewStep, StepId, StepKind, Strategy, Target};
use leaver_store::{Actor, Store};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

/// A case taken through plan, a recorded decision, and both steps, as the engine would.
async fn finished_case(app: &TestApp) -> CaseId {
    let id: CaseId = app.open_case("HR-77", "bob").await.parse().expect("id");
    let (strip, verify) = (StepId::random(), StepId::random());
    let step = |id, kind, target, needs_approval| NewStep {
        id,
        kind,
        target,
        strategy: Strategy::Api,
        needs_approval,
    };
    let now = OffsetDateTime::now_utc();
    let store = &app.store;
    let planned = Event::Planned {
        steps: vec![
            step(
                strip,
                StepKind::StripAccess,
                Target::Org("acme-ai".into()),
                true,
            ),
            step(verify, StepKind::Verify, Target::Case, false),
        ],
        blocked_reason: None,
    };
    store
        .record(id, vec![planned], &Actor::engine(), json!({}), None, now)
        .await
        .expect("plan");
    let decision = json!({"approver": "carol@acme.test", "decision": "approve", "reason": null,
        "ip": "192.0.2.7", "user_agent": "Mozilla/5.0 (test)"});
    store
        .append_audit(
            Some(id),
            &Actor::approver("carol@acme.test"),
            "approval_decided",
            decision,
            now,
        )
        .await
        .expect("decided");
    store
        .record(
            id,
            vec![Event::Approved { steps: vec![strip] }],
            &Actor::approver("carol@acme.test"),
            json!({}),
            None,
            now,
        )
        .await
        .expect("approved");
    let ran = |step, detail: Value| async move {
        let events = vec![
            Event::StepStarted { step },
            Event::StepSucceeded { step, note: None },
        ];
        store
            .record(id, events, &Actor::engine(), detail, None, now)
            .await
            .expect("ran");
    };
    ran(
        strip,
        json!({"hub": "PUT /api/organizations/acme-ai/members/bob/role -> 200"}),
    )
    .await;
    ran(
        verify,
        json!({"evidence": {"members": ["alice", "carol"], "bob_is_member": false}}),
    )
    .await;
    id
}

#[tokio::test]
async fn a_cases_evidence_exports_as_json_csv_and_a_printable_page() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let id = finished_case(&app).await;
        assert_eq!(
            app.store.case(id).await.expect("case").state.as_str(),
            "completed"
        );
        let session = app.login().await;
        let json = app
            .get(&format!("/cases/{id}/evidence?format=json"), Some(&session))
            .await;
        assert_eq!(json.status, StatusCode::OK);
        let evidence = json.json();
        assert_eq!(evidence["chain"]["broken"], Value::Null);
        let case = &evidence["cases"][0];
        assert_eq!(case["case"]["steps"].as_array().map(Vec::len), Some(2));
        let decision = &case["decisions"][0];
        assert_eq!(decision["approver"], "carol@acme.test");
        assert_eq!(decision["ip"], "192.0.2.7");
        assert_eq!(decision["user_agent"], "Mozilla/5.0 (test)");
        let decisions = case["decisions"].as_array().expect("decisions");
        assert_eq!(
            decisions
                .iter()
                .filter(|d| d["approver"] == "carol@acme.test")
                .count(),
            1,
            "each approval once, with its address and browser: {decisions:?}"
        );
        assert!(
            decision["at"].as_str().is_some_and(|t| t.ends_with('Z')),
            "RFC 3339: {decision}"
        );
        assert!(decision.get("at_ms").is_none());
        assert_eq!(case["verify_snapshot"]["bob_is_member"], false);
        let strip = case["hub_calls"]
            .as_array()
            .expect("calls")
            .iter()
            .find(|c| c["kind"] == "strip_access" && c["outcome"] == "step_succeeded")
            .expect("strip call");
        assert!(
            strip["detail"]["hub"]
                .as_str()
                .unwrap_or_default()
                .contains("-> 200")
        );

        let csv = app
            .get(&format!("/cases/{id}/evidence?format=csv"), Some(&session))
            .await;
        assert!(
            csv.body
                .starts_with("case_id,external_id,hub_username,seq,at,actor,kind")
        );
        assert!(csv.body.contains("approval_decided") && csv.body.contains("192.0.2.7"));
        let html = app
            .get(&format!("/cases/{id}/evidence?format=html"), Some(&session))
            .await;
        assert!(
            html.body.contains("intact")
                && html.body.contains("carol@acme.test")
                && html.body.contains("bob_is_member")
        );
        let bad = app
            .get(&format!("/cases/{id}/evidence?format=pdf"), Some(&session))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

        let cli = app.leaver(
            &[
                "audit",
                "export",
                "--case",
                &id.to_string(),
                "--format",
                "csv",
            ],
            "",
        );
        assert!(cli.status.success());
        assert_eq!(
            stdout(&cli).lines().count(),
            csv.body.lines().count(),
            "the CLI exports the same rows"
        );
    }
}

#[tokio::test]
async fn a_period_export_covers_every_case_touched_in_it() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let id = finished_case(&app).await;
        app.api(
            "POST",
            "/api/v1/cases",
            Some(&ticket("HR-78", "dave").to_string()),
        )
        .await;
        let session = app.login().await;
        let today = OffsetDateTime::now_utc().date();
        let page = app
            .get(
                &format!("/audit/export?from={today}&to={today}&format=json"),
                Some(&session),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let cases = page.json()["cases"].as_array().map(Vec::len);
        assert_eq!(cases, Some(2));
        let past = app
            .get(
                "/audit/export?from=2001-01-01&to=2001-01-31&format=json",
                Some(&session),
            )
            .await;
        assert_eq!(past.json()["cases"].as_array().map(Vec::len), Some(0));
        let bad = app
            .get("/audit/export?from=last-week", Some(&session))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

        let cli = app.leaver(&["audit", "export", "--format", "json"], "");
        let all: Value = serde_json::from_str(&stdout(&cli)).expect("json");
        assert_eq!(all["cases"].as_array().map(Vec::len), Some(2));
        assert!(
            all["cases"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["case"]["id"] == id.to_string().as_str())
        );
    }
}
