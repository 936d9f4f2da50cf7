//! A small Hub world in hubsim, a fresh store, and an engine wired to both.

#![allow(
    dead_code,
    unused_imports,
    reason = "each test file uses a different part of the support"
)]

use leaver_core::{CaseId, Event, StepState, Ticket, TicketInput};
use leaver_engine::{Engine, EngineConfig, SystemClock};
use leaver_hub::{HubClient, HubConfig};
use leaver_store::{Actor, SqlStore, Store, TokenSealer, scratch};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

pub use hubsim::dump::{access, role};

pub const TOKEN: &str = "hf_leaver_bot_admin";
/// The secret the engine's token sealer is derived from.
pub const SECRET: [u8; 32] = [5; 32];

/// bob: last admin of acme-ai (team), read member of beta-lab (enterprise), accepted on three
/// gated repos. carol is his successor; dave admins beta-lab; leaver-bot is Leaver's account.
pub fn world() -> Value {
    json!({
        "users": [
            {"username": "leaver-bot", "fullname": "Leaver Bot", "email": "it@acme.test"},
            {"username": "bob", "fullname": "Bob B", "email": "bob@acme.test"},
            {"username": "carol", "fullname": "Carol C", "email": "carol@acme.test"},
            {"username": "dave", "fullname": "Dave D", "email": "dave@acme.test"}
        ],
        "tokens": [{"user": "leaver-bot", "value": TOKEN}],
        "orgs": [
            {"name": "acme-ai", "plan": "team", "scim": "none",
             "members": [{"user": "leaver-bot", "role": "admin"}, {"user": "bob", "role": "admin",
                          "resource_groups": [{"name": "research", "role": "write"}]},
                         {"user": "carol", "role": "write"}],
             "resource_groups": [{"name": "research"}]},
            {"name": "beta-lab", "plan": "enterprise", "scim": "none",
             "members": [{"user": "leaver-bot", "role": "admin"}, {"user": "dave", "role": "admin"},
                         {"user": "bob", "role": "read"}]}
        ],
        "repos": [
            {"id": "acme-ai/llama-ft", "type": "model", "private": false, "gated": "manual",
             "access_requests": [{"user": "bob", "status": "accepted"}, {"user": "dave", "status": "accepted"}]},
            {"id": "acme-ai/faces", "type": "dataset", "private": false, "gated": "auto",
             "access_requests": [{"user": "bob", "status": "accepted"}]},
            {"id": "beta-lab/secret", "type": "model", "private": false, "gated": "manual",
             "access_requests": [{"user": "bob", "status": "accepted"}]},
            {"id": "beta-lab/open", "type": "model", "private": false, "gated": false}
        ]
    })
}

pub struct World {
    pub sim: hubsim::RunningSim,
    pub store: Arc<SqlStore>,
    pub engine: Arc<Engine>,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl World {
    /// One world per available database.
    pub async fn all(seed: Value) -> Vec<World> {
        let dir_for_all = tempfile::tempdir().expect("dir");
        let stores = scratch::all(dir_for_all.path()).await.expect("stores");
        let mut worlds = Vec::new();
        for (store, _) in stores {
            let sim = hubsim::spawn(serde_json::from_value(seed.clone()).expect("seed"))
                .await
                .expect("hubsim");
            let base = url::Url::parse(&sim.url).expect("url");
            let config = HubConfig::new(base, TOKEN.to_owned().into()).with_retries(
                6,
                Duration::from_millis(20),
                Duration::from_millis(200),
            );
            let hub = HubClient::new(config).expect("client");
            let store = Arc::new(store);
            let engine_config = EngineConfig {
                orgs: vec!["acme-ai".into(), "beta-lab".into()],
                backoff_base: Duration::from_millis(10),
                backoff_cap: Duration::from_millis(50),
                token_sealer: Some(Arc::new(TokenSealer::new(&SECRET))),
                ..EngineConfig::default()
            };
            let engine = Engine::new(store.clone(), hub, Arc::new(SystemClock), engine_config);
            worlds.push(World {
                sim,
                store,
                engine,
                http: reqwest::Client::new(),
                _dir: tempfile::tempdir().expect("dir"),
            });
        }
        std::mem::forget(dir_for_all);
        worlds
    }

    pub async fn open(&self, external_id: &str, user: &str, successor: Option<&str>) -> CaseId {
        let ticket = Ticket::parse(&TicketInput {
            external_id: Some(external_id.into()),
            email: Some(format!("{user}@acme.test")),
            hub_username: Some(user.into()),
            manager_email: Some("erin@acme.test".into()),
            successor: successor.map(Into::into),
            ..TicketInput::default()
        })
        .expect("ticket");
        let opened = self
            .store
            .open_case(
                &ticket,
                CaseId::random(),
                &Actor::cli(),
                OffsetDateTime::now_utc(),
            )
            .await;
        opened.expect("open").case.id
    }

    /// Approves every step that waits for approval, as the manager would.
    pub async fn approve_all(&self, case: CaseId) {
        let current = self.store.case(case).await.expect("case");
        let steps = current
            .steps
            .iter()
            .filter(|s| s.state == StepState::AwaitingApproval)
            .map(|s| s.id)
            .collect();
        let approved = Event::Approved { steps };
        let actor = Actor::approver("erin@acme.test");
        self.store
            .record(
                case,
                vec![approved],
                &actor,
                json!({}),
                None,
                OffsetDateTime::now_utc(),
            )
            .await
            .expect("approve");
    }

    /// Runs the engine until nothing is due, waiting out short retry backoffs.
    pub async fn settle(&self) {
        for _ in 0..50 {
            self.engine.run_until_idle().await.expect("engine");
            tokio::time::sleep(Duration::from_millis(60)).await;
            self.engine.run_until_idle().await.expect("engine");
            let busy: i64 = count(&self.store, "job").await;
            if busy == 0 {
                return;
            }
        }
    }

    pub async fn sim_state(&self) -> Value {
        self.http
            .get(format!("{}/_sim/state", self.sim.url))
            .send()
            .await
            .expect("state")
            .json()
            .await
            .expect("json")
    }

    /// Sets hubsim's faults (`{}` clears them): latency, error rates, failing routes.
    pub async fn set_faults(&self, faults: Value) {
        let url = format!("{}/_sim/faults", self.sim.url);
        let response = self.http.post(url).json(&faults).send().await;
        assert!(response.expect("faults").status().is_success(), "{faults}");
    }

    pub async fn sim_calls(&self) -> Value {
        self.http
            .get(format!("{}/_sim/calls?detail=1", self.sim.url))
            .send()
            .await
            .expect("calls")
            .json()
            .await
            .expect("json")
    }
}

pub async fn count(store: &SqlStore, table: &str) -> i64 {
    scratch::count_rows(store, table).await.expect("count")
}
