//! Running the real `leaver` binary against fresh databases: the test kit's apps (SQLite, and
//! Postgres when configured), whose database the binary is pointed at.

use std::ops::Deref;
use std::process::{Command, Output};

/// A fresh database and the binary pointed at it; the kit's app reads it around the binary.
pub struct Env {
    pub kit: leaver_testkit::TestApp,
}

impl Deref for Env {
    type Target = leaver_testkit::TestApp;
    fn deref(&self) -> &leaver_testkit::TestApp {
        &self.kit
    }
}

impl Env {
    /// `leaver ARGS` with this database.
    pub fn leaver(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_leaver"))
            .args(args)
            .env("LEAVER_DATABASE_URL", &self.db_url)
            .env_remove("LEAVER_HUB_TOKEN")
            .output()
            .expect("leaver runs")
    }
}

/// One environment per available database; keep the directory alive for the test's length.
pub async fn envs() -> (tempfile::TempDir, Vec<Env>) {
    let (dir, kits) = leaver_testkit::apps(leaver_testkit::Options::default()).await;
    (dir, kits.into_iter().map(|kit| Env { kit }).collect())
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The last line of stdout.
pub fn last_line(output: &Output) -> String {
    stdout(output).lines().last().unwrap_or_default().to_owned()
}

pub const BOB: &[&str] = &[
    "case",
    "open",
    "--external-id",
    "HR-1042",
    "--email",
    "bob@acme.test",
    "--hub-user",
    "bob",
    "--manager",
    "carol@acme.test",
    "--name",
    "Bob B",
    "--successor",
    "carol",
    "--effective-at",
    "2036-12-01T17:00:00Z",
];
