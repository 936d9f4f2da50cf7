//! Running the real `leaver` binary against fresh databases.

use leaver_store::{SqlStore, scratch};
use std::process::{Command, Output};

/// A fresh database (SQLite, and Postgres when configured) and the binary pointed at it.
pub struct Env {
    pub store: SqlStore,
    pub url: String,
}

impl Env {
    /// `leaver ARGS` with this database.
    pub fn leaver(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_leaver"))
            .args(args)
            .env("LEAVER_DATABASE_URL", &self.url)
            .env_remove("LEAVER_HUB_TOKEN")
            .output()
            .expect("leaver runs")
    }

    /// Rows in `table`, read around the binary.
    pub async fn count(&self, table: &str) -> i64 {
        scratch::count_rows(&self.store, table)
            .await
            .expect("count")
    }
}

/// One environment per available database; keep the directory alive for the test's length.
pub async fn envs() -> (tempfile::TempDir, Vec<Env>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let stores = scratch::all(dir.path()).await.expect("stores");
    (
        dir,
        stores
            .into_iter()
            .map(|(store, url)| Env { store, url })
            .collect(),
    )
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
    "2026-12-01T17:00:00Z",
];
