//! The `/import` page keeps to the import's limits: the first hundred problems listed and the
//! rest counted; a file over 10,000 rows or 10 MiB refused whole (422 naming `file`), at the
//! preview and at the confirmation, with nothing written.

use crate::support::{Session, TestApp, apps};
use reqwest::StatusCode;
use std::fmt::Write;

const HEADER: &str = "external_id,email,hub_username,manager_email\n";

fn csv(rows: usize, row: impl Fn(usize) -> String) -> String {
    let mut csv = HEADER.to_owned();
    for n in 0..rows {
        let _ = writeln!(csv, "{}", row(n));
    }
    csv
}

fn good(n: usize) -> String {
    format!("HR-{n},user{n}@acme.test,user{n},carol@acme.test")
}

async fn preview(app: &TestApp, session: &Session, file: &str) -> crate::support::Reply {
    app.post_multipart(
        "/import/preview",
        session,
        &[("csrf", &session.csrf), ("file", file)],
    )
    .await
}

#[tokio::test]
async fn the_preview_lists_the_first_hundred_problems_and_counts_the_rest() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let session = app.login().await;
        let file = csv(150, |n| {
            format!("HR-{n},not-an-email,user{n},carol@acme.test")
        });
        let page = preview(&app, &session, &file).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let table = page
            .body
            .split("id=\"import-errors\"")
            .nth(1)
            .and_then(|rest| rest.split("</table>").next())
            .expect("the problems table");
        assert_eq!(table.matches("<td>email</td>").count(), 100);
        assert!(page.body.contains("… and 50 more problems not listed"));
        assert!(page.body.contains("150 with errors"));
    }
}

#[tokio::test]
async fn a_file_over_the_row_or_size_cap_is_refused_whole_and_nothing_is_written() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let session = app.login().await;
        let too_many = csv(10_001, good);
        let refused = preview(&app, &session, &too_many).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("file: has more than 10,000 rows"),
            "{}",
            refused.body
        );
        let confirmed = app
            .submit(&session, "/import/confirm", &[("csv", &too_many)])
            .await;
        assert_eq!(confirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("offboarding_case").await, 0);

        // Just over the limit, and the 30 MiB file that once made a 1.1 GB preview page: read
        // to the end (not kept), so that the browser gets the answer.
        for extra in [1, 20 * 1024 * 1024] {
            let too_large = format!("{}{}", csv(1, good), "#".repeat(10 * 1024 * 1024 + extra));
            let refused = preview(&app, &session, &too_large).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                refused.body.contains("file: is larger than 10 MiB"),
                "{}",
                refused.body
            );
        }
        assert_eq!(app.count("offboarding_case").await, 0);

        let just_right = csv(10_000, good);
        let page = preview(&app, &session, &just_right).await;
        assert!(page.body.contains("10000 good"), "{}", &page.body[..500]);
    }
}
