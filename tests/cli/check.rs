//! `leaver check` runs the checks `serve` refuses to start on, and more, against hubsim: the
//! settings (LEAVER_ORGS, the secret key, approval rules), the Hub token (whoami), each org
//! (it exists, the token administers it) and SMTP. Each problem makes it exit non-zero, naming
//! it; `serve` refuses to start on a bad token or an org it cannot work in, naming it.

use crate::support::{stderr, stdout};
use serde_json::json;
use std::process::Output;

/// leaver-bot administers acme-ai, may only write in beta-lab and is not in gamma-co.
async fn hub() -> hubsim::RunningSim {
    let seed = json!({
        "users": [{"username": "leaver-bot"}, {"username": "alice"}],
        "tokens": [{"user": "leaver-bot", "value": "hf_bot_token"}],
        "orgs": [
            {"name": "acme-ai", "plan": "team", "scim": "none",
             "members": [{"user": "leaver-bot", "role": "admin"}, {"user": "alice", "role": "write"}]},
            {"name": "beta-lab", "plan": "team", "scim": "none",
             "members": [{"user": "leaver-bot", "role": "write"}, {"user": "alice", "role": "admin"}]},
            {"name": "gamma-co", "plan": "team", "scim": "none",
             "members": [{"user": "alice", "role": "admin"}]}
        ]
    });
    hubsim::spawn(serde_json::from_value(seed).expect("seed"))
        .await
        .expect("hubsim")
}

/// A setting that works: SQLite in `dir`, leaver-bot's token, acme-ai.
fn good(dir: &std::path::Path, hub: &str) -> Vec<Vars> {
    vec![
        (
            "LEAVER_DATABASE_URL",
            format!("sqlite://{}", dir.join("check.db").display()),
        ),
        ("LEAVER_BIND", "127.0.0.1:0".into()),
        ("LEAVER_HUB_URL", hub.to_owned()),
        ("LEAVER_HUB_TOKEN", "hf_bot_token".into()),
        ("LEAVER_ORGS", "acme-ai".into()),
    ]
}

/// Environment variables for one run.
type Vars = (&'static str, String);

/// `leaver ARGS` with exactly `vars` as its environment.
async fn leaver(vars: &[Vars], args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_leaver"));
    command.env_clear().args(args).kill_on_drop(true);
    for (key, value) in vars {
        command.env(key, value);
    }
    let run = command.output();
    tokio::time::timeout(std::time::Duration::from_secs(60), run)
        .await
        .expect("leaver ends by itself")
        .expect("leaver runs")
}

/// `vars` with `key` set to `value` (or removed when `None`).
fn with(mut vars: Vec<Vars>, key: &'static str, value: Option<&str>) -> Vec<Vars> {
    vars.retain(|(k, _)| *k != key);
    if let Some(value) = value {
        vars.push((key, value.to_owned()));
    }
    vars
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_passes_on_a_setup_that_works_and_writes_no_key() {
    let sim = hub().await;
    let dir = tempfile::tempdir().expect("dir");
    let out = leaver(&good(dir.path(), &sim.url), &["check"]).await;
    let text = stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    for line in [
        "ok    settings",
        "hub token belongs to leaver-bot",
        "acme-ai: plan",
    ] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }
    assert!(
        !dir.path().join("check.db.key").exists(),
        "check made the key file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_exits_non_zero_naming_each_problem() {
    let sim = hub().await;
    let dir = tempfile::tempdir().expect("dir");
    let base = good(dir.path(), &sim.url);
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[approval_rules]]\nname = \"board\"\napprovers = []\nkinds = [\"remove_member\"]\n",
    )
    .expect("write");
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    let smtp = format!("smtp://127.0.0.1:{closed_port}");
    let postgres = "postgres://postgres@127.0.0.1:5432/test";
    let cases: Vec<(&str, Vec<Vars>, Vec<&str>, &str)> = vec![
        (
            "Postgres without a key",
            with(base.clone(), "LEAVER_DATABASE_URL", Some(postgres)),
            vec![],
            "set LEAVER_SECRET_KEY",
        ),
        (
            "a short key",
            with(base.clone(), "LEAVER_SECRET_KEY", Some("abcd")),
            vec![],
            "LEAVER_SECRET_KEY must hold at least 32 bytes",
        ),
        (
            "a key that is not hex",
            with(base.clone(), "LEAVER_SECRET_KEY", Some(&"zz".repeat(32))),
            vec![],
            "LEAVER_SECRET_KEY must be hex",
        ),
        (
            "a bad approval rule",
            base.clone(),
            vec!["--config", rules.to_str().expect("utf-8")],
            "approval_rules[0].approvers",
        ),
        (
            "no orgs",
            with(base.clone(), "LEAVER_ORGS", None),
            vec![],
            "LEAVER_ORGS is not set",
        ),
        (
            "a token the Hub refuses",
            with(base.clone(), "LEAVER_HUB_TOKEN", Some("hf_not_a_token")),
            vec![],
            "LEAVER_HUB_TOKEN is refused by the Hub",
        ),
        (
            "an org that does not exist",
            with(base.clone(), "LEAVER_ORGS", Some("acme-ai,acme-aj")),
            vec![],
            "acme-aj does not exist",
        ),
        (
            "an org the token only writes in",
            with(base.clone(), "LEAVER_ORGS", Some("acme-ai,beta-lab")),
            vec![],
            "is not an admin of beta-lab (role: write)",
        ),
        (
            "an org the token is not in",
            with(base.clone(), "LEAVER_ORGS", Some("gamma-co")),
            vec![],
            "is not an admin of gamma-co (role: not a member)",
        ),
        (
            "every address without a public URL",
            with(base.clone(), "LEAVER_BIND", Some("0.0.0.0:8080")),
            vec![],
            "LEAVER_PUBLIC_URL is not set",
        ),
        (
            "SMTP that does not answer",
            with(base.clone(), "LEAVER_SMTP_URL", Some(&smtp)),
            vec![],
            "SMTP",
        ),
    ];
    for (what, vars, config, problem) in cases {
        let mut args = config.clone();
        args.push("check");
        let out = leaver(&vars, &args).await;
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!out.status.success(), "{what}: check passed:\n{text}");
        let failed = text
            .lines()
            .any(|l| l.starts_with("FAIL") && l.contains(problem));
        assert!(failed, "{what}: no FAIL line with {problem:?}:\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_refuses_a_token_the_hub_refuses_and_orgs_it_cannot_work_in() {
    let sim = hub().await;
    let dir = tempfile::tempdir().expect("dir");
    let base = good(dir.path(), &sim.url);
    let cases = [
        (
            with(base.clone(), "LEAVER_HUB_TOKEN", Some("hf_not_a_token")),
            "LEAVER_HUB_TOKEN is refused by the Hub",
        ),
        (
            with(base.clone(), "LEAVER_ORGS", Some("acme-ai,contoso-reserch")),
            "contoso-reserch does not exist",
        ),
        (
            with(base.clone(), "LEAVER_ORGS", Some("beta-lab")),
            "is not an admin of beta-lab",
        ),
        (
            with(base.clone(), "LEAVER_ORGS", None),
            "LEAVER_ORGS is not set",
        ),
    ];
    for (vars, problem) in cases {
        let out = leaver(&vars, &["serve"]).await;
        let err = stderr(&out);
        assert!(!out.status.success(), "serve started: {}", stdout(&out));
        assert!(
            err.contains("not starting") && err.contains(problem),
            "{problem}:\n{err}"
        );
        assert!(!stdout(&out).contains("serving"), "{}", stdout(&out));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_exits_non_zero_when_the_plan_cannot_run_naming_each_blocker_once() {
    let sim = hub().await;
    let dir = tempfile::tempdir().expect("dir");
    let vars = good(dir.path(), &sim.url);
    let blocked = leaver(&vars, &["plan", "--hub-user", "nosuchuser"]).await;
    let text = stdout(&blocked);
    assert!(!blocked.status.success(), "{text}");
    assert!(text.contains("The plan cannot run as it is"), "{text}");
    let blockers: Vec<&str> = text.lines().filter(|l| l.starts_with("  - ")).collect();
    let mut once = blockers.clone();
    once.dedup();
    assert!(!blockers.is_empty() && blockers == once, "{text}");
}
