//! Configuration errors name the variable and the problem.

use crate::support::*;
use std::process::Command;

fn leaver_with(vars: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_leaver"));
    command.args(args);
    for (key, value) in vars {
        command.env(key, value);
    }
    command.output().expect("runs")
}

#[test]
fn a_malformed_variable_is_named_in_the_error() {
    let out = leaver_with(
        &[
            ("LEAVER_WORKERS", "many"),
            ("LEAVER_DATABASE_URL", "sqlite::memory:"),
        ],
        &["migrate"],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("LEAVER_WORKERS"), "{}", stderr(&out));
}

#[test]
fn an_unsupported_database_url_is_explained() {
    let out = leaver_with(
        &[("LEAVER_DATABASE_URL", "mysql://db/leaver")],
        &["migrate"],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("LEAVER_DATABASE_URL must start with sqlite:// or postgres://"));
}

#[test]
fn a_missing_config_file_is_named() {
    let out = leaver_with(&[], &["--config", "/nonexistent/leaver.toml", "migrate"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("/nonexistent/leaver.toml does not exist"));
}

#[test]
fn a_config_file_sets_values_and_the_environment_overrides_them() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("leaver.toml");
    let from_file = dir.path().join("from-file.db");
    std::fs::write(
        &file,
        format!("database_url = \"sqlite://{}\"\n", from_file.display()),
    )
    .expect("write");
    assert!(
        leaver_with(&[], &["--config", file.to_str().expect("utf-8"), "migrate"])
            .status
            .success()
    );
    assert!(from_file.exists());
    let from_env = dir.path().join("from-env.db");
    let url = format!("sqlite://{}", from_env.display());
    let out = leaver_with(
        &[("LEAVER_DATABASE_URL", &url)],
        &["--config", file.to_str().expect("utf-8"), "migrate"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(from_env.exists());
}

#[test]
fn help_explains_every_command() {
    let out = leaver_with(&[], &["case", "--help"]);
    let help = stdout(&out);
    for command in ["open", "list", "show", "cancel"] {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(command) && l.len() > command.len() + 20),
            "{command}: {help}"
        );
    }
}

#[test]
fn a_malformed_approval_rule_is_named_by_entry_and_field() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("leaver.toml");
    let db = format!("sqlite://{}", dir.path().join("rules.db").display());
    let rules = "[[approval_rules]]\nname = \"security\"\napprovers = [\"manager\", \"sec@acme.test\"]\n\n\
                 [[approval_rules]]\nname = \"board\"\napprovers = [\"not an address\"]\nmode = \"most\"\n";
    std::fs::write(&file, rules).expect("write");
    let vars = [
        ("LEAVER_DATABASE_URL", db.as_str()),
        ("LEAVER_BIND", "127.0.0.1:0"),
        ("LEAVER_HUB_TOKEN", "hf_unused"),
        ("LEAVER_ORGS", "acme-ai"),
    ];
    let out = leaver_with(&vars, &["--config", file.to_str().expect("utf-8"), "serve"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("approval_rules[1].approvers"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_malformed_operator_address_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("ops.db").display());
    let vars = [
        ("LEAVER_DATABASE_URL", db.as_str()),
        ("LEAVER_BIND", "127.0.0.1:0"),
        ("LEAVER_HUB_TOKEN", "hf_unused"),
        ("LEAVER_ORGS", "acme-ai"),
        ("LEAVER_OPERATOR_EMAIL", "ops@acme.test, on call"),
    ];
    let out = leaver_with(&vars, &["serve"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("LEAVER_OPERATOR_EMAIL: \"on call\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_drift_watch_settings_are_checked_and_named() {
    for (variable, value, problem) in [
        ("LEAVER_WATCH_EVERY_SECS", "0", "must be at least 1"),
        ("LEAVER_WATCH_DAYS", "0", "must be at least 1"),
        ("LEAVER_WATCH_DAYS", "3651", "must be at most 3650"),
        ("LEAVER_WATCH_EVERY_SECS", "soon", ""),
    ] {
        let out = leaver_with(
            &[
                (variable, value),
                ("LEAVER_DATABASE_URL", "sqlite::memory:"),
            ],
            &["migrate"],
        );
        assert!(!out.status.success(), "{variable}={value} was accepted");
        let error = stderr(&out);
        assert!(
            error.contains(variable) && error.contains(problem),
            "{variable}={value}: {error}"
        );
    }
}

#[test]
fn every_bad_value_is_named_at_once() {
    let out = leaver_with(
        &[
            ("LEAVER_WORKERS", "many"),
            ("LEAVER_BATCH", "lots"),
            ("LEAVER_WATCH_DAYS", "0"),
            ("LEAVER_TIMEZONE", "Mars/Olympus"),
            ("LEAVER_DATABASE_URL", "sqlite::memory:"),
        ],
        &["migrate"],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    for name in [
        "LEAVER_WORKERS",
        "LEAVER_BATCH",
        "LEAVER_WATCH_DAYS",
        "LEAVER_TIMEZONE",
    ] {
        assert!(err.contains(name), "{name} in {err}");
    }
    assert_eq!(err.matches("\"many\"").count(), 1, "{err}");
}

#[test]
fn an_unknown_key_in_the_file_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("leaver.toml");
    std::fs::write(&file, "orgz = \"acme-ai\"\n").expect("write");
    let out = leaver_with(
        &[("LEAVER_DATABASE_URL", "sqlite::memory:")],
        &["--config", file.to_str().expect("utf-8"), "migrate"],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unknown setting \"orgz\""),
        "{}",
        stderr(&out)
    );
}
