//! The real `leaver serve` process: started against a database and a hubsim, killed with
//! SIGKILL, started again.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::process::{Child, Command};

/// How to start `leaver serve`; each start logs to a file of its own.
pub struct Server {
    database_url: String,
    hub_url: String,
    env: Vec<(&'static str, String)>,
    logs: PathBuf,
    starts: usize,
    child: Option<Child>,
}

impl Server {
    /// A server for `database_url` and the Hub at `hub_url`, logging into `logs`; `env` adds
    /// or overrides `LEAVER_*` settings.
    pub fn new(
        database_url: &str,
        hub_url: &str,
        logs: &Path,
        env: &[(&'static str, &str)],
    ) -> Server {
        Server {
            database_url: database_url.to_owned(),
            hub_url: hub_url.to_owned(),
            env: env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            logs: logs.to_owned(),
            starts: 0,
            child: None,
        }
    }

    /// Starts a new `leaver serve` process.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        self.starts += 1;
        let log = self.logs.join(format!("serve-{}.log", self.starts));
        let out = File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_leaver"));
        command
            .arg("serve")
            .env("LEAVER_DATABASE_URL", &self.database_url)
            .env("LEAVER_BIND", "127.0.0.1:0")
            .env("LEAVER_HUB_URL", &self.hub_url)
            .env("LEAVER_HUB_TOKEN", super::TOKEN)
            .env("LEAVER_ORGS", super::ORGS)
            // One key for every replica and restart (links signed by one verify on another).
            .env("LEAVER_SECRET_KEY", "5e".repeat(32))
            .env("LEAVER_LOG", "warn,leaver=info")
            // Approval emails stay beside the logs, never in the working tree.
            .env("LEAVER_MAILBOX_DIR", self.logs.join("mailbox"))
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .kill_on_drop(true);
        for (key, value) in &self.env {
            command.env(key, value);
        }
        self.child = Some(command.spawn().expect("leaver serve starts"));
    }

    /// Kills the process with SIGKILL (no shutdown of any kind) and reaps it.
    pub async fn kill(&mut self) {
        let mut child = self.child.take().expect("running");
        child.start_kill().expect("SIGKILL");
        child.wait().await.expect("reaped");
    }

    /// Fails the test if the process exited by itself (a crash, a configuration error).
    pub fn assert_running(&mut self) {
        let child = self.child.as_mut().expect("started");
        if let Some(status) = child.try_wait().expect("status") {
            panic!("leaver serve exited with {status}:\n{}", self.last_log());
        }
    }

    /// Where this server's logs go.
    pub fn logs(&self) -> &Path {
        &self.logs
    }

    /// The newest log, for failure messages.
    pub fn last_log(&self) -> String {
        let log = self.logs.join(format!("serve-{}.log", self.starts));
        std::fs::read_to_string(log).unwrap_or_default()
    }
}
