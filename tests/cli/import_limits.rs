//! `leaver import` keeps to the import's limits: the first hundred problems listed and the rest
//! counted, and a file over 10,000 rows refused whole with nothing written.

use crate::support::*;
use std::fmt::Write;

const HEADER: &str = "external_id,email,hub_username,manager_email\n";

/// A CSV file in `dir` with `rows` data rows made by `row`.
fn file(dir: &std::path::Path, rows: usize, row: impl Fn(usize) -> String) -> String {
    let mut csv = HEADER.to_owned();
    for n in 0..rows {
        let _ = writeln!(csv, "{}", row(n));
    }
    let path = dir.join(format!("cases-{rows}.csv"));
    std::fs::write(&path, csv).expect("write");
    path.to_string_lossy().into_owned()
}

#[tokio::test]
async fn the_cli_lists_the_first_hundred_errors_and_counts_the_rest() {
    let (dir, envs) = envs().await;
    let path = file(dir.path(), 150, |n| {
        format!("HR-{n},not-an-email,user{n},carol@acme.test")
    });
    for env in &envs {
        let import = env.leaver(&["import", &path, "--dry-run"]);
        assert!(!import.status.success());
        let err = stderr(&import);
        assert_eq!(err.matches(": email: ").count(), 100, "{err}");
        assert!(err.contains("… and 50 more errors not listed"), "{err}");
        assert!(stdout(&import).contains("150 rows: 0 good, 150 with errors"));
    }
}

#[tokio::test]
async fn the_cli_refuses_a_file_over_ten_thousand_rows_and_writes_nothing() {
    let (dir, envs) = envs().await;
    let path = file(dir.path(), 10_001, |n| {
        format!("HR-{n},user{n}@acme.test,user{n},carol@acme.test")
    });
    for env in &envs {
        let import = env.leaver(&["import", &path]);
        assert!(!import.status.success());
        let err = stderr(&import);
        assert!(
            err.contains("has more than 10,000 rows") && err.contains("nothing was written"),
            "{err}"
        );
        assert_eq!(env.count("offboarding_case").await, 0);
    }
}
