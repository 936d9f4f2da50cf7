//! Spawning hubsim, building clients for it, and reading its control routes.

use std::time::Duration;

use leaver_hub::{HubClient, HubConfig};
use serde_json::{Value, json};
use url::Url;

/// A running hubsim and a plain HTTP client for its `/_sim/*` routes.
pub struct Sim {
    pub url: Url,
    http: reqwest::Client,
    _running: hubsim::RunningSim,
}

/// Start hubsim with `seed` on a free loopback port.
pub async fn start(seed: Value) -> Sim {
    let seed: hubsim::Seed = serde_json::from_value(seed).unwrap();
    let running = hubsim::spawn(seed).await.unwrap();
    let url = Url::parse(&running.url).unwrap();
    Sim {
        url,
        http: reqwest::Client::new(),
        _running: running,
    }
}

impl Sim {
    /// A client with quick retries (4 attempts, 10..100 ms) so fault tests stay fast.
    pub fn client(&self, token: &str) -> HubClient {
        self.client_with(token, |c| c)
    }

    /// A client whose config `tweak` adjusts after the quick-retry defaults.
    pub fn client_with(
        &self,
        token: &str,
        tweak: impl FnOnce(HubConfig) -> HubConfig,
    ) -> HubClient {
        let config = HubConfig::new(self.url.clone(), token.to_owned().into())
            .with_retries(4, Duration::from_millis(10), Duration::from_millis(100))
            .with_timeouts(Duration::from_secs(10), Duration::from_secs(2));
        HubClient::new(tweak(config)).unwrap()
    }

    async fn sim_get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(self.url.join(path).unwrap())
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    /// `GET /_sim/calls`.
    pub async fn calls(&self) -> Value {
        self.sim_get("/_sim/calls").await
    }

    /// Calls counted under `route` (`METHOD /template`).
    pub async fn calls_to(&self, route: &str) -> u64 {
        self.calls().await["by_route"][route].as_u64().unwrap_or(0)
    }

    /// `GET /_sim/state`.
    pub async fn state(&self) -> Value {
        self.sim_get("/_sim/state").await
    }

    /// `POST /_sim/faults`.
    pub async fn faults(&self, faults: Value) {
        let url = self.url.join("/_sim/faults").unwrap();
        let response = self.http.post(url).json(&faults).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "faults: {}",
            response.status()
        );
    }
}

/// Tokens of the standard seed.
pub const ALICE: &str = "hf_alice_admin";
pub const BOB: &str = "hf_bob_write";
pub const CAROL: &str = "hf_carol_read";
pub const DAVE: &str = "hf_dave_outsider";
pub const SCIM_TOKEN: &str = "hf_scim_megacorp";

fn user(name: &str) -> Value {
    json!({"username": name, "fullname": format!("{name} Example"), "email": format!("{name}@acme.test")})
}

/// The standard seed: `acme-ai` (enterprise, alice admin, bob write in `research`, carol
/// read), `free-org` (free plan), SCIM orgs `megacorp` (managed) and `basic-co` (basic), and
/// a few repos of `acme-ai`.
pub fn standard_seed() -> Value {
    let users: Vec<Value> = ["alice", "bob", "bobby", "carol", "dave", "erin"]
        .map(user)
        .into();
    json!({
        "users": users,
        "tokens": [
            {"user": "alice", "value": ALICE, "role": "write"},
            {"user": "bob", "value": BOB, "role": "write"},
            {"user": "carol", "value": CAROL, "role": "read"},
            {"user": "dave", "value": DAVE},
        ],
        "orgs": [
            {"name": "acme-ai", "plan": "enterprise", "scim": "none",
             "members": [
                {"user": "alice", "role": "admin"},
                {"user": "bob", "role": "write", "resource_groups": [{"name": "research", "role": "write"}]},
                {"user": "bobby", "role": "read"},
                {"user": "carol", "role": "read"}],
             "resource_groups": [{"name": "research"}, {"name": "ops"}],
             "invitations": [{"user": "dave", "role": "read"}]},
            {"name": "free-org", "plan": "free", "scim": "none",
             "members": [{"user": "alice", "role": "admin"}, {"user": "bob", "role": "write"}]},
            {"name": "megacorp", "plan": "plus", "scim": "managed", "scim_token": SCIM_TOKEN,
             "members": [{"user": "alice", "role": "admin"}, {"user": "bob", "role": "read"},
                         {"user": "carol", "role": "read"}],
             "scim_users": [{"user": "bob", "external_id": "okta-bob"}, {"user": "carol", "external_id": "okta-carol"}]},
            {"name": "basic-co", "plan": "enterprise", "scim": "basic",
             "members": [{"user": "alice", "role": "admin"}, {"user": "bob", "role": "write"}],
             "scim_users": [{"user": "bob", "external_id": "entra-bob"}]},
        ],
        "repos": [
            {"id": "acme-ai/llama-ft", "type": "model", "private": false, "gated": "manual",
             "access_requests": [{"user": "bob", "status": "accepted"}, {"user": "erin", "status": "pending"}]},
            {"id": "acme-ai/eval-set", "type": "dataset", "private": false, "gated": "auto",
             "access_requests": [{"user": "bob", "status": "accepted"}]},
            {"id": "acme-ai/open-weights", "type": "model", "private": false, "gated": false},
            {"id": "acme-ai/secret-model", "type": "model", "private": true, "gated": false},
            {"id": "acme-ai/demo", "type": "space", "private": false, "gated": false},
        ],
    })
}
