//! `LEAVER_TOKENS_ACK_REQUIRED` is read from the environment: a value that is not a boolean is
//! named, `true` and `false` are taken (issue 14; the engine's behaviour under it is tested in
//! tests/api/tokens_truth/ack.rs).

use crate::support::stderr;
use std::process::Command;

fn migrate_with(value: &str, db: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_leaver"))
        .arg("migrate")
        .env("LEAVER_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("LEAVER_TOKENS_ACK_REQUIRED", value)
        .output()
        .expect("runs")
}

#[test]
fn the_tokens_ack_setting_is_read_from_the_environment_and_a_bad_value_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("leaver.db");
    let bad = migrate_with("sometimes", &db);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("LEAVER_TOKENS_ACK_REQUIRED"),
        "{}",
        stderr(&bad)
    );
    for good in ["true", "false"] {
        let out = migrate_with(good, &db);
        assert!(out.status.success(), "{good}: {}", stderr(&out));
    }
}
