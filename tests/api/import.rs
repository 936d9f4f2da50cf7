//! CSV import: the page's preview flags every bad row by line and field and writes nothing;
//! confirming writes the good rows; `leaver import` reports the same and shows progress.

use crate::support::{apps, csrf_in, stderr, stdout};
use reqwest::StatusCode;
use std::fmt::Write;

const MIXED: &str = "external_id,email,name,hub_username,manager_email,successor,effective_at,reason\n\
HR-1,alice@acme.test,Alice A,alice,carol@acme.test,,,resignation\n\
HR-2,not-an-email,Bob B,-bob,carol@acme.test,,tomorrow,\n\
HR-3,dave@acme.test,,dave,carol@acme.test,dave,,\n\
HR-4,erin@acme.test,Erin E,erin,carol@acme.test,,2036-12-01T17:00:00Z,\n";

#[tokio::test]
async fn the_preview_flags_bad_rows_by_line_and_field_and_confirming_writes_the_good_ones() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let session = app.login().await;
        let form = app.get("/import", Some(&session)).await;
        assert_eq!(form.status, StatusCode::OK);
        let preview = app
            .post_multipart(
                "/import/preview",
                &session,
                &[("csrf", &csrf_in(&form.body)), ("file", MIXED)],
            )
            .await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        for row in [
            "<td>3</td><td>email</td>",
            "<td>3</td><td>hub_username</td>",
            "<td>3</td><td>effective_at</td>",
            "<td>4</td><td>successor</td>",
        ] {
            assert!(preview.body.contains(row), "{row} flagged");
        }
        assert!(preview.body.contains("2 good"), "{}", preview.body);
        assert_eq!(
            app.count("offboarding_case").await,
            0,
            "a preview writes nothing"
        );

        let forged = app
            .post_multipart(
                "/import/preview",
                &session,
                &[("csrf", "nope"), ("file", MIXED)],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        let confirm = app
            .submit(&session, "/import/confirm", &[("csv", MIXED)])
            .await;
        assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
        assert!(
            confirm.body.contains("<strong>2</strong> cases opened"),
            "{}",
            confirm.body
        );
        assert_eq!(app.count("offboarding_case").await, 2);
        let again = app
            .submit(&session, "/import/confirm", &[("csv", MIXED)])
            .await;
        assert!(
            again.body.contains("2 already open"),
            "a second import opens nothing new"
        );
        assert_eq!(app.count("offboarding_case").await, 2);
    }
}

#[tokio::test]
async fn the_cli_import_reports_the_same_errors_and_its_progress() {
    let (dir, apps) = apps().await;
    let file = dir.path().join("cases.csv");
    std::fs::write(&file, MIXED).expect("write");
    let path = file.to_string_lossy().into_owned();
    for app in apps {
        let dry = app.leaver(&["import", &path, "--dry-run"], "");
        assert!(
            !dry.status.success(),
            "bad rows make the exit code non-zero"
        );
        let errors = stderr(&dry);
        for expected in [
            "line 3: email:",
            "line 3: hub_username:",
            "line 3: effective_at:",
            "line 4: successor:",
        ] {
            assert!(errors.contains(expected), "{expected} in {errors}");
        }
        assert!(stdout(&dry).contains("4 rows: 2 good, 2 with errors"));
        assert_eq!(
            app.count("offboarding_case").await,
            0,
            "a dry run writes nothing"
        );

        let real = app.leaver(&["import", &path], "");
        assert!(
            stderr(&real).contains("progress: 2/2 cases written"),
            "{}",
            stderr(&real)
        );
        assert!(
            stdout(&real).contains("2 cases opened"),
            "{}",
            stdout(&real)
        );
        assert_eq!(app.count("offboarding_case").await, 2);
    }
}

#[tokio::test]
async fn ten_thousand_rows_import_with_progress() {
    let (dir, apps) = apps().await;
    let mut csv = String::from("external_id,email,hub_username,manager_email\n");
    for n in 0..10_000 {
        let _ = writeln!(csv, "BULK-{n},user{n}@acme.test,user-{n},manager@acme.test");
    }
    let file = dir.path().join("bulk.csv");
    std::fs::write(&file, csv).expect("write");
    let path = file.to_string_lossy().into_owned();
    for app in apps {
        let started = std::time::Instant::now();
        let output = app.leaver(&["import", &path], "");
        assert!(output.status.success(), "{}", stderr(&output));
        let progress = stderr(&output)
            .lines()
            .filter(|l| l.starts_with("progress:"))
            .count();
        assert!(
            progress >= 10,
            "progress is reported as it goes ({progress} lines)"
        );
        assert!(stderr(&output).contains("progress: 10000/10000"));
        assert_eq!(app.count("offboarding_case").await, 10_000);
        eprintln!("10,000-row import took {:?}", started.elapsed());
    }
}
