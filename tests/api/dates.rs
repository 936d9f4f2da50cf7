//! Dates as people type them (issue 14, point 7): `effective_at` as a date alone or a time
//! without an offset reads in `LEAVER_TIMEZONE`, a ticket's own offset is kept, `12/31/2026` is
//! refused with the forms that are read, and a time in the past is refused unless the ticket
//! says `run_now` (API) or the form's "Run now" box is ticked; the form uses a date-time input.

use crate::support::{apps_with, ticket};
use leaver_testkit::Options;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn paris() -> Options {
    Options::default().settings(|s| s.timezone = "Europe/Paris".into())
}

fn field_messages(body: &Value) -> Vec<(String, String)> {
    body["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_api_reads_dates_in_the_zone_keeps_offsets_and_refuses_the_past_without_run_now() {
    let (_dir, apps) = apps_with(paris()).await;
    for app in &apps {
        let cases = [
            ("HR-1", "2036-12-15", "2036-12-14T23:00:00Z"),
            ("HR-2", "2036-12-15T09:00", "2036-12-15T08:00:00Z"),
            ("HR-3", "2036-12-15T09:00:00-05:00", "2036-12-15T14:00:00Z"),
        ];
        for (id, typed, stored) in cases {
            let mut body = ticket(
                id,
                &format!("user{}", id[3..].parse::<u8>().expect("n") - 1),
            );
            body["effective_at"] = json!(typed);
            let reply = app
                .api("POST", "/api/v1/cases", Some(&body.to_string()))
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{typed}: {}", reply.body);
            assert_eq!(reply.json()["effective_at"], stored, "{typed}");
            assert_eq!(reply.json()["run_now"], false);
        }

        let mut us = ticket("HR-4", "dave");
        us["effective_at"] = json!("12/31/2036");
        let reply = app
            .api("POST", "/api/v1/cases", Some(&us.to_string()))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let errors = field_messages(&reply.json());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "effective_at");
        assert!(
            errors[0].1.contains("2026-12-15T09:00 (in Europe/Paris)")
                && errors[0].1.contains("either way round"),
            "{}",
            errors[0].1
        );

        let mut past = ticket("HR-5", "erin");
        past["effective_at"] = json!("2020-03-02");
        let reply = app
            .api("POST", "/api/v1/cases", Some(&past.to_string()))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        let errors = field_messages(&reply.json());
        assert_eq!(errors[0].0, "effective_at");
        assert_eq!(
            errors[0].1,
            "is in the past (2020-03-02 00:00:00 +01:00); send run_now: true / --now to run at once"
        );
        assert_eq!(app.count("offboarding_case").await, 3, "nothing written");

        past["run_now"] = json!(true);
        let reply = app
            .api("POST", "/api/v1/cases", Some(&past.to_string()))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        assert_eq!(reply.json()["run_now"], true);
        let again = app
            .api("POST", "/api/v1/cases", Some(&past.to_string()))
            .await;
        assert_eq!(again.status, StatusCode::OK, "a replay: {}", again.body);

        past["run_now"] = json!("yes");
        past["external_id"] = json!("HR-6");
        let reply = app
            .api("POST", "/api/v1/cases", Some(&past.to_string()))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_messages(&reply.json())[0].0, "run_now");
    }
}

#[tokio::test]
async fn the_form_has_a_date_time_input_read_in_the_zone_and_a_run_now_box_for_the_past() {
    let (_dir, apps) = apps_with(paris()).await;
    for app in &apps {
        let session = app.login().await;
        let page = app.get("/cases/new", Some(&session)).await;
        assert!(
            page.body
                .contains(r#"type="datetime-local" name="effective_at""#),
            "{}",
            page.body
        );
        assert!(page.body.contains("Europe/Paris"));
        assert!(page.body.contains(r#"name="run_now""#));

        let fields = |id: &'static str, at: &'static str| {
            vec![
                ("external_id", id),
                ("email", "bob@acme.test"),
                ("hub_username", "bob"),
                ("manager_email", "carol@acme.test"),
                ("effective_at", at),
            ]
        };
        let past = app
            .submit(&session, "/cases/new", &fields("HR-1", "2020-03-02T09:00"))
            .await;
        assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            past.body
                .contains("is in the past (2020-03-02 09:00:00 +01:00)"),
            "{}",
            past.body
        );
        assert_eq!(app.count("offboarding_case").await, 0);

        let mut now = fields("HR-1", "2020-03-02T09:00");
        now.push(("run_now", "true"));
        let opened = app.submit(&session, "/cases/new", &now).await;
        assert!(
            opened.status.is_redirection() || opened.status.is_success(),
            "{}",
            opened.body
        );
        let listed = app.api("GET", "/api/v1/cases", None).await.json();
        let first = listed[0].clone();
        assert_eq!(first["effective_at"], "2020-03-02T08:00:00Z", "{listed}");
        assert_eq!(first["run_now"], true);
    }
}
