//! `TestApp`: the real web server on 127.0.0.1:0 over a scratch store (SQLite, and Postgres when
//! `TEST_POSTGRES_URL` is set), a hubsim, a real SMTP server on loopback, and an engine with
//! approvals whose mailer speaks SMTP to that server. Time is the wall clock, or a
//! [`ManualClock`] the test moves.

pub mod db;
pub mod http;
pub mod mail;

use leaver_core::approval::Policy;
use leaver_core::{Case, CaseId, CaseState, EmailAddress, Ticket, TicketInput};
use leaver_engine::{
    ApprovalMail, ApprovalSettings, Clock, Engine, EngineConfig, ManualClock, Minter, SystemClock,
};
use leaver_hub::{HubClient, HubConfig};
use leaver_mail::Mailer;
use leaver_mail::smtp_sink::SmtpSink;
use leaver_store::{Actor, Dialect, SqlStore, Store, scratch};
use leaver_web::{AppState, ApprovalLinks};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

pub const HUB_TOKEN: &str = "hf_leaver_bot_admin";
pub const MANAGER: &str = "erin@acme.test";
pub const FROM: &str = "Leaver <leaver@acme.test>";
pub const HOUR: Duration = Duration::from_secs(3600);

/// acme-ai (team) with a human admin (dave) and Leaver's bot; the leavers are write or read
/// members, bob also has accepted access to a gated repo.
pub fn world() -> Value {
    let leavers = ["bob", "frank", "gina", "hank", "ivan", "judy"];
    let mut users = vec![
        json!({"username": "leaver-bot", "fullname": "Leaver Bot", "email": "it@acme.test"}),
        json!({"username": "dave", "fullname": "Dave D", "email": "dave@acme.test"}),
    ];
    let mut members = vec![
        json!({"user": "leaver-bot", "role": "admin"}),
        json!({"user": "dave", "role": "admin"}),
    ];
    for (n, user) in leavers.iter().enumerate() {
        users.push(json!({"username": user, "email": format!("{user}@acme.test")}));
        members.push(json!({"user": user, "role": if n % 2 == 0 { "write" } else { "read" }}));
    }
    json!({
        "users": users,
        "tokens": [{"user": "leaver-bot", "value": HUB_TOKEN}],
        "orgs": [{"name": "acme-ai", "plan": "team", "scim": "none", "members": members}],
        "repos": [{"id": "acme-ai/llama-ft", "type": "model", "private": false, "gated": "manual",
                   "access_requests": [{"user": "bob", "status": "accepted"}]}]
    })
}

/// How an app is set up.
#[derive(Clone, Debug)]
pub struct Options {
    pub policy: Policy,
    /// The lifetime of the links the engine mints (renewed links always get 72 hours).
    pub link_lifetime: Duration,
    pub remind_after: Duration,
    pub escalate_after: Duration,
    /// Time stands still until the test moves it; `false`: the wall clock.
    pub manual_clock: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            policy: Policy::standard(Vec::new(), Vec::new()),
            link_lifetime: 72 * HOUR,
            remind_after: 24 * HOUR,
            escalate_after: 48 * HOUR,
            manual_clock: false,
        }
    }
}

/// Addresses, parsed.
pub fn emails(list: &[&str]) -> Vec<EmailAddress> {
    list.iter()
        .map(|e| EmailAddress::parse(e).expect("address"))
        .collect()
}

/// One running app.
pub struct TestApp {
    pub backend: Dialect,
    pub url: String,
    pub store: Arc<SqlStore>,
    pub engine: Arc<Engine>,
    pub sink: SmtpSink,
    pub clock: Option<ManualClock>,
    pub http: reqwest::Client,
    pub sim_url: String,
}

/// One app per available database; keep the directory alive for the test's length.
pub async fn apps(options: Options) -> (tempfile::TempDir, Vec<TestApp>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut apps = Vec::new();
    for (store, _url) in scratch::all(dir.path()).await.expect("stores") {
        apps.push(TestApp::spawn(store, options.clone()).await);
    }
    (dir, apps)
}

impl TestApp {
    pub async fn spawn(store: SqlStore, options: Options) -> TestApp {
        let backend = store.dialect();
        let store = Arc::new(store);
        let sim = hubsim::spawn(serde_json::from_value(world()).expect("seed"))
            .await
            .expect("hubsim");
        let sink = SmtpSink::start().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let key: [u8; 32] = rand::random();
        let minter = Arc::new(Minter::new(key.to_vec(), &url.parse().expect("url")));
        let manual = options
            .manual_clock
            .then(|| ManualClock::new(time::OffsetDateTime::now_utc()));
        let clock: Arc<dyn Clock> = match &manual {
            Some(clock) => Arc::new(clock.clone()),
            None => Arc::new(SystemClock),
        };
        let settings = ApprovalSettings {
            policy: options.policy,
            link_lifetime: options.link_lifetime,
            remind_after: options.remind_after,
            escalate_after: options.escalate_after,
            ..ApprovalSettings::default()
        };
        let mailer = Mailer::from_url(&format!("{}?timeout=5", sink.url), FROM).expect("mailer");
        let approvals = ApprovalMail {
            settings,
            minter: minter.clone(),
            mailer,
        };
        let engine = Engine::with_approvals(
            store.clone(),
            hub(&sim.url),
            clock,
            engine_config(),
            Some(approvals),
        );
        let links = ApprovalLinks {
            minter,
            lifetime: 72 * HOUR,
        };
        let state = AppState::new(store.clone()).with_approval_links(links);
        tokio::spawn(leaver_web::serve(listener, state, std::future::pending()));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            backend,
            url,
            store,
            engine,
            sink,
            clock: manual,
            http,
            sim_url: sim.url,
        }
    }

    /// The engine's time.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock
            .as_ref()
            .map_or_else(time::OffsetDateTime::now_utc, Clock::now)
    }

    /// Moves the manual clock forward.
    pub fn advance(&self, by: Duration) {
        let clock = self
            .clock
            .as_ref()
            .expect("this app runs on a manual clock");
        clock.advance(time::Duration::try_from(by).expect("duration"));
    }

    /// Opens a case for `user` (managed by [`MANAGER`]) as HR would.
    pub async fn open(&self, external_id: &str, user: &str) -> CaseId {
        let ticket = Ticket::parse(&TicketInput {
            external_id: Some(external_id.into()),
            email: Some(format!("{user}@acme.test")),
            hub_username: Some(user.into()),
            manager_email: Some(MANAGER.into()),
            reason: Some("resignation".into()),
            ..TicketInput::default()
        })
        .expect("ticket");
        let opened = self
            .store
            .open_case(&ticket, CaseId::random(), &Actor::cli(), self.now())
            .await;
        opened.expect("open").case.id
    }

    /// Opens a case and runs the engine and the mail until its approval emails are sent.
    pub async fn open_and_ask(&self, external_id: &str, user: &str) -> CaseId {
        let case = self.open(external_id, user).await;
        self.deliver().await;
        assert_eq!(
            self.case(case).await.state,
            CaseState::AwaitingApproval,
            "{:?}",
            self.backend
        );
        case
    }

    /// Runs due jobs and sends due mail (with reminders and escalations) until neither has
    /// anything left to do now.
    pub async fn deliver(&self) {
        for _ in 0..200 {
            let jobs = self.engine.run_once().await.expect("engine");
            let sent = self.engine.run_mail_once().await.expect("mail");
            if jobs == 0 && sent == 0 {
                return;
            }
        }
        panic!("the engine never went idle");
    }

    /// Delivers until the case reaches a state `done` accepts (step retries are scheduled a few
    /// milliseconds ahead on the wall clock, hence the polling).
    pub async fn run_until(&self, case: CaseId, done: impl Fn(CaseState) -> bool) -> Case {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            self.deliver().await;
            let current = self.case(case).await;
            if done(current.state) {
                return current;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "case stuck in {}: {:#?}",
                current.state,
                current.steps
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Whether `user` is still a member of acme-ai, per hubsim's own state.
    pub async fn is_member(&self, user: &str) -> bool {
        let state: Value = self.get_json(&format!("{}/_sim/state", self.sim_url)).await;
        let org = state["orgs"]
            .as_array()
            .expect("orgs")
            .iter()
            .find(|o| o["name"] == "acme-ai")
            .expect("acme-ai");
        org["members"]
            .as_array()
            .expect("members")
            .iter()
            .any(|m| m["user"] == user)
    }

    async fn get_json(&self, url: &str) -> Value {
        self.http
            .get(url)
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("json")
    }

    pub async fn case(&self, id: CaseId) -> Case {
        self.store.case(id).await.expect("case")
    }
}

fn hub(url: &str) -> HubClient {
    let config = HubConfig::new(url.parse().expect("url"), HUB_TOKEN.to_owned().into())
        .with_retries(6, Duration::from_millis(20), Duration::from_millis(200));
    HubClient::new(config).expect("hub client")
}

fn engine_config() -> EngineConfig {
    EngineConfig {
        orgs: vec!["acme-ai".into()],
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_millis(50),
        ..EngineConfig::default()
    }
}
