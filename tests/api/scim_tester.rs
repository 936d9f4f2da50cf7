//! scim2-tester (PyPI, installed by `.ci/run`) run against `/scim/v2` on SQLite and Postgres:
//! every check for `User` and discovery passes, except those README's SCIM section explains as
//! deliberate ([`DELIBERATE`]). Without the package the test says so and passes, unless
//! `LEAVER_REQUIRE_SCIM_TESTER=1` (as `.ci/run` sets it).

use crate::support::apps_with;
use leaver_app::accounts::KeyScope;
use leaver_testkit::Options;
use serde_json::Value;
use std::process::Command;

/// Checks that do not pass on purpose, by title (see README, "SCIM").
const DELIBERATE: &[&str] = &[];

/// The statuses that are a pass (RFC MUST, SHOULD, MAY kept; skipped for lack of a feature).
const PASSING: &[&str] = &["SUCCESS", "COMPLIANT", "ACCEPTABLE", "SKIPPED"];

#[tokio::test]
async fn scim2_tester_passes_every_user_and_discovery_check() {
    let (_dir, apps) = apps_with(Options::default()).await;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/api/scim/tester.py"
    );
    for app in apps {
        let key = app
            .app
            .create_scoped_api_key("tester", KeyScope::Scim)
            .await
            .expect("key");
        let base = format!("{}/scim/v2", app.url);
        let python = std::env::var("LEAVER_PYTHON").unwrap_or_else(|_| "python3".into());
        let (script, python) = (script.to_owned(), python.clone());
        let output = tokio::task::spawn_blocking(move || {
            Command::new(python).arg(script).arg(base).arg(key).output()
        })
        .await
        .expect("join")
        .expect("python3 runs");
        if output.status.code() == Some(3) {
            assert!(
                std::env::var("LEAVER_REQUIRE_SCIM_TESTER").as_deref() != Ok("1"),
                "scim2-tester is required: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            eprintln!(
                "scim2-tester is not installed: skipped (pip install scim2-tester 'scim2-client[httpx2]')"
            );
            return;
        }
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let results: Vec<Value> = serde_json::from_slice(&output.stdout).expect("JSON results");
        assert!(
            results.len() > 20,
            "scim2-tester ran its checks: {results:?}"
        );
        let mut by_status = std::collections::BTreeMap::<String, usize>::new();
        for r in &results {
            let status = r["status"].as_str().unwrap_or("?").to_owned();
            *by_status.entry(status).or_default() += 1;
        }
        eprintln!(
            "scim2-tester on {:?}: {} checks, {by_status:?}",
            app.dialect,
            results.len()
        );
        let failed: Vec<&Value> = results
            .iter()
            .filter(|r| !PASSING.contains(&r["status"].as_str().unwrap_or("")))
            .filter(|r| !DELIBERATE.contains(&r["title"].as_str().unwrap_or("")))
            .collect();
        let lines: Vec<String> = failed
            .iter()
            .map(|r| format!("{} {}: {}", r["status"], r["title"], r["reason"]))
            .collect();
        assert!(
            failed.is_empty(),
            "{} checks failed:\n{}",
            failed.len(),
            lines.join("\n")
        );
    }
}
