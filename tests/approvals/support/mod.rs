//! `TestApp`: the test kit's app (`leaver_testkit`, built by `Leaver::build` and served by the
//! real router on 127.0.0.1:0) over a scratch database (SQLite, and Postgres when
//! `TEST_POSTGRES_URL` is set), with a hubsim world, an SMTP server on loopback and the approval
//! settings under test. The engine runs when the test says ([`TestApp::deliver`]). Time is the
//! wall clock, or a manual clock the test moves.

pub mod db;
pub mod http;
pub mod mail;

use leaver_app::model::{Actor, Case, CaseId, CaseState, TicketInput};
use leaver_mail::smtp_sink::SmtpSink;
use leaver_store::Dialect;
use serde_json::{Value, json};
use std::ops::Deref;
use std::time::Duration;

pub const HUB_TOKEN: &str = leaver_testkit::HUB_TOKEN;
pub const MANAGER: &str = "erin@acme.test";
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
    /// `LEAVER_APPROVAL_SECURITY`: who also approves successors and removals.
    pub security: Vec<String>,
    /// `LEAVER_APPROVAL_ESCALATE_TO`: who is asked when a request is overdue.
    pub escalate_to: Vec<String>,
    /// `LEAVER_OPERATOR_EMAIL`: who is told when cases need an operator.
    pub operators: Vec<String>,
    /// How long links live (whole hours), renewed ones too.
    pub link_lifetime: Duration,
    /// Time stands still until the test moves it; `false`: the wall clock.
    pub manual_clock: bool,
    /// hubsim's world; `None`: [`world`].
    pub world: Option<Value>,
    /// `[[approval_rules]]`; empty: the default policy.
    pub rules: Vec<leaver_app::RuleSetting>,
    /// `[[apps]]`: the SCIM apps beside the Hub.
    pub apps: Vec<leaver_app::apps::AppSetting>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            security: Vec::new(),
            escalate_to: Vec::new(),
            operators: Vec::new(),
            link_lifetime: 72 * HOUR,
            manual_clock: false,
            world: None,
            rules: Vec::new(),
            apps: Vec::new(),
        }
    }
}

/// Addresses, as the settings take them.
pub fn emails(list: &[&str]) -> Vec<String> {
    list.iter().map(|e| (*e).to_owned()).collect()
}

/// One running app.
pub struct TestApp {
    pub kit: leaver_testkit::TestApp,
    pub backend: Dialect,
    pub sink: SmtpSink,
}

impl Deref for TestApp {
    type Target = leaver_testkit::TestApp;
    fn deref(&self) -> &leaver_testkit::TestApp {
        &self.kit
    }
}

/// One app per available database; keep the directory alive for the test's length.
pub async fn apps(options: Options) -> (tempfile::TempDir, Vec<TestApp>) {
    let mut kit = leaver_testkit::Options::default()
        .world(options.world.clone().unwrap_or_else(world))
        .smtp_sink()
        .settings(move |s| {
            s.orgs = vec!["acme-ai".into()];
            s.approval_security = options.security.clone();
            s.approval_escalate_to = options.escalate_to.clone();
            s.operator_email = options.operators.clone();
            s.approval_link_hours = options.link_lifetime.as_secs() / 3600;
            s.approval_rules = options.rules.clone();
            s.apps = options.apps.clone();
        });
    if options.manual_clock {
        kit = kit.manual_clock();
    }
    let (dir, kits) = leaver_testkit::apps(kit).await;
    let apps = kits
        .into_iter()
        .map(|mut kit| TestApp {
            backend: kit.dialect,
            sink: kit.sink.take().expect("an SMTP sink"),
            kit,
        })
        .collect();
    (dir, apps)
}

impl TestApp {
    /// Opens a case for `user` (managed by [`MANAGER`]) as HR would.
    pub async fn open(&self, external_id: &str, user: &str) -> CaseId {
        let ticket = TicketInput {
            external_id: Some(external_id.into()),
            email: Some(format!("{user}@acme.test")),
            hub_username: Some(user.into()),
            manager_email: Some(MANAGER.into()),
            reason: Some("resignation".into()),
            ..TicketInput::default()
        };
        let opened = self.app.open_case(&ticket, &Actor::cli()).await;
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
        self.run_pending_jobs().await;
    }

    /// hubsim's own state (`GET /_sim/state`).
    pub async fn sim_state(&self) -> Value {
        self.get_json(&format!("{}/_sim/state", self.hub_url)).await
    }

    /// Whether `user` is still a member of acme-ai, per hubsim's own state.
    pub async fn is_member(&self, user: &str) -> bool {
        let state = self.sim_state().await;
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
        self.app.case(id).await.expect("case")
    }
}
