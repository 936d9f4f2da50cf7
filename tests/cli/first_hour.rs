//! What a new admin types in the first hour (issue 14, points 7 and 8), through the real
//! binary: dates in `LEAVER_TIMEZONE`, a past date refused without `--now`, `case open --json`,
//! the HR ticket's id wherever a case id goes, and `case list --search`.

use crate::support::*;
use serde_json::Value;

fn open(env: &Env, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "case",
        "open",
        "--external-id",
        "HR-2001",
        "--email",
        "bob@acme.test",
        "--hub-user",
        "bob",
        "--manager",
        "carol@acme.test",
    ];
    args.extend_from_slice(extra);
    env.leaver(&args)
}

#[tokio::test]
async fn a_past_date_needs_now_and_the_case_reads_back_by_its_ticket_id() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let past = open(env, &["--effective-at", "2020-03-02"]);
        assert!(!past.status.success());
        let err = stderr(&past);
        assert!(
            err.contains("--effective-at")
                && err.contains("is in the past (2020-03-02 00:00:00 UTC)"),
            "{err}"
        );
        assert!(err.contains("--now"), "{err}");
        let us = open(env, &["--effective-at", "12/31/2036"]);
        assert!(stderr(&us).contains("2026-12-15"), "{}", stderr(&us));
        assert_eq!(env.count("offboarding_case").await, 0);

        let opened = open(env, &["--effective-at", "2020-03-02", "--now", "--json"]);
        assert!(opened.status.success(), "{}", stderr(&opened));
        let case: Value = serde_json::from_str(&stdout(&opened)).expect("the case as JSON");
        assert_eq!(case["external_id"], "HR-2001");
        assert_eq!(case["run_now"], true);
        assert_eq!(case["effective_at"], "2020-03-02T00:00:00Z");

        let show = env.leaver(&["case", "show", "HR-2001", "--json"]);
        assert!(show.status.success(), "{}", stderr(&show));
        let shown: Value = serde_json::from_str(&stdout(&show)).expect("json");
        assert_eq!(shown["id"], case["id"]);

        let found = env.leaver(&["case", "list", "--search", "hr-20", "--json"]);
        let found: Value = serde_json::from_str(&stdout(&found)).expect("json");
        assert_eq!(found.as_array().map(Vec::len), Some(1));
        let none = env.leaver(&["case", "list", "--search", "nobody", "--json"]);
        let none: Value = serde_json::from_str(&stdout(&none)).expect("json");
        assert_eq!(none.as_array().map(Vec::len), Some(0));

        let export = env.leaver(&["audit", "export", "--case", "HR-2001"]);
        assert!(export.status.success(), "{}", stderr(&export));
        assert!(stdout(&export).contains("HR-2001"));
        let unknown = env.leaver(&["audit", "export", "--case", "HR-9999"]);
        assert!(!unknown.status.success());
        assert!(stderr(&unknown).contains("HR-9999"), "{}", stderr(&unknown));

        for command in ["tokens-ack", "confirm-empty"] {
            let by_ticket = env.leaver(&["case", command, "HR-2001"]);
            assert!(
                !stderr(&by_ticket).contains("is not a case id"),
                "{command}: {}",
                stderr(&by_ticket)
            );
        }
        let cancel = env.leaver(&["case", "cancel", "HR-2001"]);
        assert!(cancel.status.success(), "{}", stderr(&cancel));
        assert!(stdout(&cancel).contains("cancelled"));
    }
}

#[tokio::test]
async fn dates_read_in_leaver_timezone_and_an_unknown_zone_is_refused() {
    let (_dir, envs) = envs().await;
    let env = &envs[0];
    let mut args = vec![
        "case",
        "open",
        "--external-id",
        "HR-1",
        "--email",
        "bob@acme.test",
        "--hub-user",
        "bob",
        "--manager",
        "carol@acme.test",
        "--effective-at",
        "2036-12-15T09:00",
        "--json",
    ];
    let run = |args: &[&str], zone: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_leaver"))
            .args(args)
            .env("LEAVER_DATABASE_URL", &env.db_url)
            .env("LEAVER_TIMEZONE", zone)
            .env_remove("LEAVER_HUB_TOKEN")
            .output()
            .expect("leaver runs")
    };
    let opened = run(&args, "Europe/Paris");
    assert!(opened.status.success(), "{}", stderr(&opened));
    let case: Value = serde_json::from_str(&stdout(&opened)).expect("json");
    assert_eq!(case["effective_at"], "2036-12-15T08:00:00Z");

    let shown = run(&["case", "show", "HR-1"], "Europe/Paris");
    assert!(
        stdout(&shown).contains("effective 2036-12-15 09:00:00 +01:00"),
        "{}",
        stdout(&shown)
    );

    args[3] = "HR-2";
    let bad = run(&args, "Europe/Pariss");
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("LEAVER_TIMEZONE"), "{}", stderr(&bad));
}
