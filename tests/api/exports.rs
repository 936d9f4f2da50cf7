//! Evidence exports over HTTP: no CSV cell a spreadsheet would run as a formula, period bounds
//! checked (a 422 naming `from` or `to`, never a panic), periods written a page of cases at a
//! time (every case, streamed; the printable page capped and saying so), and pages that check
//! the audit chain from the verified-up-to mark on.

use crate::support::{Session, TestApp, apps};
use leaver_core::CaseId;
use leaver_store::{Actor, Store};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, COOKIE};
use serde_json::{Value, json};
use sqlx::Row;
use time::OffsetDateTime;

/// Opens `count` cases at once through the store's batch API.
async fn open_many(app: &TestApp, count: usize) {
    let tickets: Vec<_> = (0..count)
        .map(|n| {
            let ticket = leaver_store::scratch::ticket(&format!("HR-{n}"), &format!("user{n}"));
            (ticket, CaseId::random())
        })
        .collect();
    let opened = app
        .store
        .open_cases(&tickets, &Actor::cli(), OffsetDateTime::now_utc())
        .await
        .expect("opened");
    assert!(opened.iter().all(Result::is_ok));
}

/// The cells of a CSV text (RFC 4180: quoted cells may hold commas, quotes and line breaks).
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

#[tokio::test]
async fn csv_exports_make_cells_that_would_start_a_formula_inert() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let external_id = "=HYPERLINK(\"http://evil.test\",\"HR-1\")";
        let ticket = json!({
            "external_id": external_id,
            "person": {"email": "bob@acme.test", "hub_username": "bob"},
            "manager_email": "carol@acme.test",
            "reason": "+SUM(1,2)"
        });
        let created = app
            .api("POST", "/api/v1/cases", Some(&ticket.to_string()))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id: CaseId = created.json()["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("id");
        let decision = json!({"approver": "carol@acme.test", "decision": "reject",
            "reason": "-2+3", "ip": "\t=1+1", "user_agent": "@SUM(A1:A9)"});
        app.store
            .append_audit(
                Some(id),
                &Actor::approver("carol@acme.test"),
                "approval_decided",
                decision,
                OffsetDateTime::now_utc(),
            )
            .await
            .expect("decided");
        let session = app.login().await;
        let today = OffsetDateTime::now_utc().date();
        for path in [
            format!("/cases/{id}/evidence?format=csv"),
            format!("/audit/export?from={today}&to={today}&format=csv"),
        ] {
            let csv = app.get(&path, Some(&session)).await;
            assert_eq!(csv.status, StatusCode::OK, "{path}: {}", csv.body);
            let cells: Vec<String> = csv_cells(&csv.body).into_iter().flatten().collect();
            let risky: Vec<&String> = cells
                .iter()
                .filter(|c| c.starts_with(FORMULA_STARTS))
                .collect();
            assert!(
                risky.is_empty(),
                "{path}: cells that start a formula: {risky:?}"
            );
            for inert in [
                format!("'{external_id}"),
                "'-2+3".into(),
                "'\t=1+1".into(),
                "'@SUM(A1:A9)".into(),
            ] {
                assert!(cells.contains(&inert), "{path}: {inert:?} in {cells:?}");
            }
        }
    }
}

#[tokio::test]
async fn a_period_bound_out_of_range_or_reversed_is_a_422_naming_it() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let session = app.login().await;
        for (query, field) in [
            ("to=9999-12-31", "to"),
            ("from=9999-12-31", "from"),
            ("to=9999-12-31T23:59:59-23:59", "to"),
            ("from=2026-01-01&to=9999-12-31", "to"),
            ("from=0000-01-01", "from"),
            ("from=2026-12-01&to=2026-11-01", "from"),
        ] {
            let path = format!("/audit/export?{query}&format=json");
            let refused = app.get(&path, Some(&session)).await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {}",
                refused.body
            );
            assert!(
                refused.body.contains(&format!("{field}: ")),
                "{query} names {field}: {}",
                refused.body
            );
        }
        let fine = app
            .get(
                "/audit/export?from=2026-01-01&to=9998-12-31&format=json",
                Some(&session),
            )
            .await;
        assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
        assert_eq!(fine.json()["cases"], json!([]));
    }
}

/// The period export of today: status, whether it carried a `Content-Length`, and the body.
async fn export_today(app: &TestApp, session: &Session, format: &str) -> (u16, bool, String) {
    let today = OffsetDateTime::now_utc().date();
    let response = app
        .http
        .get(format!(
            "{}/audit/export?from={today}&to={today}&format={format}",
            app.url
        ))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .expect("export");
    let sized = response.headers().contains_key(CONTENT_LENGTH);
    let status = response.status().as_u16();
    (status, sized, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_period_export_is_streamed_page_by_page_and_the_printable_page_is_capped() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let total = 205; // more than two pages of 100, more than the printable page's 200
        open_many(&app, total).await;
        let session = app.login().await;

        let (status, sized, body) = export_today(&app, &session, "json").await;
        assert_eq!(status, 200, "{body}");
        assert!(!sized, "a streamed body has no Content-Length");
        let export: Value = serde_json::from_str(&body).expect("valid JSON");
        let mut ids: Vec<&str> = export["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .filter_map(|c| c["case"]["id"].as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), total, "every case once");
        assert_eq!(export["chain"]["broken"], Value::Null);
        assert_eq!(export["chain"]["records"], json!(total));

        let (status, sized, body) = export_today(&app, &session, "csv").await;
        assert_eq!((status, sized), (200, false));
        // A header, a line per record (one per case here) and the chain's line.
        assert_eq!(csv_cells(&body).len(), total + 2);

        let (status, _, page) = export_today(&app, &session, "html").await;
        assert_eq!(status, 200);
        assert_eq!(page.matches("<section>").count(), 200, "capped at 200");
        assert!(page.contains("id=\"evidence-truncated\""), "and it says so");
    }
}

/// Where the pages' verified-up-to mark stands.
async fn mark(app: &TestApp) -> i64 {
    let row = sqlx::query("SELECT seq FROM audit_verified WHERE id = 1")
        .fetch_one(app.store.pool())
        .await
        .expect("mark");
    row.try_get("seq").expect("seq")
}

#[tokio::test]
async fn pages_check_the_chain_from_the_verified_mark_and_move_it_forward() {
    let (_dir, apps) = apps().await;
    for app in apps {
        open_many(&app, 3).await;
        let session = app.login().await;
        assert_eq!(mark(&app).await, 0);
        let audit = app.get("/audit", Some(&session)).await;
        assert!(audit.body.contains("3 records, every hash checks out"));
        assert_eq!(mark(&app).await, 3, "the page moved the mark");

        let id = app.open_case("HR-NEW", "dave").await;
        let evidence = app
            .get(&format!("/cases/{id}/evidence?format=json"), Some(&session))
            .await;
        let chain = &evidence.json()["chain"];
        assert_eq!(chain["checked_before"], 3, "only the new record was read");
        assert_eq!(
            (chain["records"].clone(), chain["broken"].clone()),
            (json!(4), Value::Null)
        );
        assert_eq!(mark(&app).await, 4);

        app.open_case("HR-LAST", "erin").await;
        sqlx::query("UPDATE audit_event SET actor = 'api:someone-else' WHERE seq = 5")
            .execute(app.store.pool())
            .await
            .expect("tamper");
        let audit = app.get("/audit", Some(&session)).await;
        assert!(
            audit.body.contains("BROKEN</span> at record 5"),
            "an edit after the mark is found: {}",
            audit.body
        );
        assert_eq!(mark(&app).await, 4, "the mark stops before the break");
    }
}
