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

/// [`world`], plus frank (a `write` member of acme-ai who holds nothing else) and two gated
/// repos nobody holds yet: the model acme-ai/extra-model and the dataset beta-lab/extra-data.
pub fn world_with_repos_to_grant() -> Value {
    let mut seed = world();
    seed["users"]
        .as_array_mut()
        .expect("users")
        .push(json!({"username": "frank", "fullname": "Frank F", "email": "frank@acme.test"}));
    seed["orgs"][0]["members"]
        .as_array_mut()
        .expect("members")
        .push(json!({"user": "frank", "role": "write"}));
    let repos = seed["repos"].as_array_mut().expect("repos");
    repos.push(
        json!({"id": "acme-ai/extra-model", "type": "model", "private": false,
                      "gated": "manual", "access_requests": []}),
    );
    repos.push(
        json!({"id": "beta-lab/extra-data", "type": "dataset", "private": false,
                      "gated": "manual", "access_requests": []}),
    );
    seed
}

/// What `user` holds in a `/_sim/state` dump: `member of acme-ai`, `accepted on acme-ai/x`.
pub fn holdings(state: &Value, user: &str) -> Vec<String> {
    let list = |key: &str| state[key].as_array().cloned().unwrap_or_default();
    let memberships = list("orgs").into_iter().filter_map(|org| {
        let member = org["members"].as_array()?.iter().any(|m| m["user"] == user);
        member.then(|| format!("member of {}", org["name"].as_str().unwrap_or("?")))
    });
    let grants = list("repos").into_iter().filter_map(|repo| {
        let status = access(state, repo["id"].as_str()?, user)?;
        (status == "accepted" || status == "pending")
            .then(|| format!("{status} on {}", repo["id"].as_str().unwrap_or("?")))
    });
    memberships.chain(grants).collect()
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
            // No circuit: each test here sees every Hub failure reach its steps and sweeps
            // (the circuit is tested in leaver-hub and in tests/engine/outage.rs).
            let config = HubConfig::new(base, TOKEN.to_owned().into())
                .with_retries(6, Duration::from_millis(20), Duration::from_millis(200))
                .with_circuit(0, Duration::ZERO, Duration::ZERO);
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

    /// Opens a case, lets it plan, approves all of it and runs it to its end.
    pub async fn offboard(&self, external_id: &str, user: &str, successor: Option<&str>) -> CaseId {
        let case = self.open(external_id, user, successor).await;
        self.settle().await;
        self.approve_all(case).await;
        self.settle().await;
        case
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

    /// Grants `user` access to the gated repo at `repo` (`models/acme-ai/x`,
    /// `datasets/beta-lab/y`), as an admin of its org would on the Hub.
    pub async fn grant(&self, repo: &str, user: &str) {
        let url = format!("{}/api/{repo}/user-access-request/grant", self.sim.url);
        let response = self
            .http
            .post(url)
            .bearer_auth(TOKEN)
            .json(&json!({ "user": user }))
            .send()
            .await
            .expect("grant");
        assert!(response.status().is_success(), "granting {user} {repo}");
    }

    /// Sets `user`'s role in `org` on the Hub, as an admin of the org would.
    pub async fn set_role(&self, org: &str, user: &str, role: &str) {
        let url = format!(
            "{}/api/organizations/{org}/members/{user}/role",
            self.sim.url
        );
        let body = json!({ "role": role, "resourceGroups": [] });
        let response = self
            .http
            .put(url)
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await;
        assert!(
            response.expect("role").status().is_success(),
            "{user} as {role} in {org}"
        );
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
