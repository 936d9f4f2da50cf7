//! The pictures (issue 16) in headless Chromium, on SQLite and Postgres: with a roster
//! imported and cases completed in three past weeks (one of them past the 24-hour target) and
//! one opened this week, `/roster` and the dashboard draw their charts as SVG with the expected
//! bars and points, and screenshots go to `target/test-artifacts/` (not committed).

use crate::chrome::{browser, browser_tools, chromedriver, log_in, shot};
use crate::roster::{ROSTER, options};
use crate::support::{OPERATOR, PASSWORD, TestApp, apps_with};
use fantoccini::{Client, Locator};
use leaver_app::model::Actor;
use leaver_core::roster::revoke_time::week_of;
use std::collections::BTreeSet;
use time::Duration;

/// How many elements `css` finds on the current page.
async fn count(browser: &Client, css: &str) -> usize {
    browser.find_all(Locator::Css(css)).await.expect(css).len()
}

/// Opens four cases; three of them completed 21, 14 and 7 days ago after 10, 30 and 2 hours.
/// Returns how many weeks (Monday to Sunday) hold a completion, and how many an opening.
async fn cases_over_four_weeks(app: &TestApp) -> (usize, usize) {
    let now = app.now();
    let (mut completed, mut opened_in) = (BTreeSet::new(), BTreeSet::from([week_of(now)]));
    for (n, user) in ["bob", "hank", "dan", "eve"].into_iter().enumerate() {
        let id = app.open_case(&format!("HR-{n}"), user).await;
        let (days, hours) = match n {
            0 => (21, 10),
            1 => (14, 30),
            2 => (7, 2),
            _ => continue,
        };
        let done = now - Duration::days(days);
        let opened = done - Duration::hours(hours);
        completed.insert(week_of(done));
        opened_in.insert(week_of(opened));
        let ms = |t: time::OffsetDateTime| (t.unix_timestamp_nanos() / 1_000_000) as i64;
        sqlx::query(
            "UPDATE offboarding_case SET state = 'completed', created_at = $1, updated_at = $2 WHERE case_id = $3",
        )
        .bind(ms(opened))
        .bind(ms(done))
        .bind(id)
        .execute(app.store.pool())
        .await
        .expect("a completed case of the past");
    }
    (completed.len(), opened_in.len())
}

/// Logs the operator in and waits for the first page.
async fn log_in_as_operator(browser: &Client, url: &str) {
    browser
        .goto(&format!("{url}/login"))
        .await
        .expect("login page");
    log_in(browser, OPERATOR, PASSWORD).await;
    browser
        .wait()
        .for_element(Locator::Css("nav"))
        .await
        .expect("logged in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_roster_and_the_dashboard_draw_their_charts() {
    let Some((chromium, driver)) = browser_tools() else {
        return;
    };
    let (dir, apps) = apps_with(options()).await;
    let (_driver, webdriver) = chromedriver(&driver).await;
    let browser = browser(&chromium, &webdriver, &dir.path().join("chromium-profile")).await;
    for (n, app) in apps.iter().enumerate() {
        let preview = leaver_app::roster::import::preview(ROSTER.as_bytes()).expect("read");
        app.app
            .import_roster(&preview, &Actor::cli())
            .await
            .expect("imported");
        let (revoke_weeks, state_weeks) = cases_over_four_weeks(app).await;
        crate::roster::read_orgs(app).await;
        log_in_as_operator(&browser, &app.url).await;

        browser
            .goto(&format!("{}/roster", app.url))
            .await
            .expect("roster");
        // acme-ai: one orphan's seat; beta-lab: two orphans' and one invitation's seats.
        assert_eq!(count(&browser, "#chart-orphans svg rect.bar").await, 3);
        assert_eq!(count(&browser, "#chart-orphans svg text.label").await, 2);
        // gina, ivan, jill; dan (his case completed, his access stayed) and frank (no case);
        // out, kim; the two bots.
        let keys: Vec<String> = {
            let mut keys = Vec::new();
            for row in browser
                .find_all(Locator::Css("#roster-findings tr[data-key]"))
                .await
                .expect("rows")
            {
                keys.push(
                    row.attr("data-key")
                        .await
                        .expect("attr")
                        .unwrap_or_default(),
                );
            }
            keys
        };
        assert_eq!(keys.len(), 9, "{keys:?}");
        shot(&browser, &format!("roster-{n}")).await;

        browser
            .goto(&format!("{}/", app.url))
            .await
            .expect("dashboard");
        // A bar (median) and a point (slowest) per week with a completed case.
        assert_eq!(revoke_weeks, 3, "completions 7 days apart");
        assert_eq!(
            count(&browser, "#chart-revoke svg rect.bar").await,
            revoke_weeks
        );
        assert_eq!(
            count(&browser, "#chart-revoke svg circle.point").await,
            revoke_weeks
        );
        assert_eq!(count(&browser, "#chart-revoke svg line.target").await, 1);
        // A bar per week and state with an opened case (one state per week here).
        assert!(state_weeks >= 3);
        assert_eq!(
            count(&browser, "#chart-states svg rect.bar").await,
            state_weeks
        );
        assert_eq!(count(&browser, "#chart-orphans svg rect.bar").await, 3);
        let table = browser
            .find(Locator::Css("#table-revoke"))
            .await
            .expect("table")
            .html(false)
            .await
            .expect("html");
        assert_eq!(
            table.matches("<tr>").count(),
            4,
            "a header and three weeks: {table}"
        );
        assert!(
            table.contains("<td>30.0</td><td>30.0</td><td>1</td>"),
            "the 30-hour case is past 24 h: {table}"
        );
        // The pictures are below the lists: bring them into the screenshot.
        browser
            .execute(
                "document.getElementById('pictures').scrollIntoView()",
                vec![],
            )
            .await
            .expect("scroll");
        shot(&browser, &format!("dashboard-{n}")).await;
        browser.goto(&format!("{}/logout", app.url)).await.ok();
        browser.delete_all_cookies().await.expect("cookies");
    }
    browser.close().await.expect("close");
}
