//! Talking to hubsim's control routes, and reading its write log.

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

pub use hubsim::dump::{access, role};

/// A running hubsim (in this process) and an HTTP client for its control routes.
pub struct Sim {
    pub url: String,
    http: reqwest::Client,
}

/// Routes whose writes take something away: a role change, a removal, an access decision, a
/// SCIM deactivation or deletion.
pub fn is_destructive(method: &str, route: &str) -> bool {
    matches!(
        (method, route),
        ("PUT", "/api/organizations/{org}/members/{user}/role")
            | ("DELETE", "/api/organizations/{org}/members/{user}")
    ) || (method == "POST" && route.ends_with("/user-access-request/handle"))
        || (matches!(method, "PATCH" | "DELETE") && route.contains("/scim/"))
}

impl Sim {
    pub async fn spawn(seed: Value) -> Sim {
        let seed = serde_json::from_value(seed).expect("seed");
        let sim = hubsim::spawn(seed).await.expect("hubsim");
        Sim {
            url: sim.url,
            http: reqwest::Client::new(),
        }
    }

    /// A client for a hubsim already running at `url` (a test app's own).
    pub fn at(url: &str) -> Sim {
        Sim {
            url: url.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    pub async fn state(&self) -> Value {
        self.get("/_sim/state").await
    }

    /// `/_sim/calls?detail=1`: totals, per route, and every write in order.
    pub async fn calls(&self) -> Value {
        self.get("/_sim/calls?detail=1").await
    }

    /// How many write calls (any status) the Hub has answered so far on `routes`.
    pub async fn writes_on(&self, routes: &[&str]) -> u64 {
        let calls = self.get("/_sim/calls").await;
        routes
            .iter()
            .map(|route| calls["by_route"][route].as_u64().unwrap_or(0))
            .sum()
    }

    pub async fn set_faults(&self, faults: Value) {
        let response = self
            .http
            .post(format!("{}/_sim/faults", self.url))
            .json(&faults)
            .send()
            .await
            .expect("faults");
        assert!(response.status().is_success(), "{faults}");
    }

    pub async fn clear_faults(&self) {
        self.set_faults(json!({})).await;
    }

    async fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect(path)
            .json()
            .await
            .expect("json")
    }
}

/// One write from the log.
pub struct Write {
    pub method: String,
    pub route: String,
    pub path: String,
    /// The status the client got (0: hubsim dropped the connection instead).
    pub status: u16,
    /// Whether the write took effect, its answer lost or not.
    pub applied: bool,
}

/// Every write hubsim logged, in order.
pub fn writes(calls: &Value) -> Vec<Write> {
    calls["writes"]
        .as_array()
        .expect("writes listed")
        .iter()
        .map(|w| Write {
            method: w["method"].as_str().unwrap_or_default().to_owned(),
            route: w["route"].as_str().unwrap_or_default().to_owned(),
            path: w["path"].as_str().unwrap_or_default().to_owned(),
            status: u16::try_from(w["status"].as_u64().unwrap_or(0)).expect("status"),
            applied: w["applied"].as_bool().unwrap_or(false),
        })
        .collect()
}

/// Successful (2xx) destructive writes per `METHOD path`.
///
/// Only successes count. A write the Hub refused (an injected 503 or 429, or a 404/409 that a
/// retried write gets once the first attempt already took effect) changed nothing, so it is
/// never a second offboarding of the same thing; a second *success* on the same target is.
pub fn successful_destructive_writes(calls: &Value) -> BTreeMap<String, u32> {
    let mut counts = BTreeMap::new();
    for write in writes(calls) {
        if is_destructive(&write.method, &write.route) && (200..300).contains(&write.status) {
            *counts
                .entry(format!("{} {}", write.method, write.path))
                .or_insert(0) += 1;
        }
    }
    counts
}

/// Asserts that the Hub answered exactly the expected successful destructive writes: every
/// target once (or, for a repo's `handle`, once per leaver holding access), nothing twice,
/// nothing unexpected.
pub fn assert_each_destructive_write_once(calls: &Value, expected: &BTreeMap<String, u32>) {
    let actual = successful_destructive_writes(calls);
    let keys: BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
    let mut wrong = Vec::new();
    for key in keys {
        let want = expected.get(key).copied().unwrap_or(0);
        let got = actual.get(key).copied().unwrap_or(0);
        if want != got {
            wrong.push(format!(
                "{key}: expected {want} successful call(s), saw {got}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "destructive Hub writes:\n{}",
        wrong.join("\n")
    );
}

/// Asserts that no leaver is left in any org or with accepted or pending access, that carol
/// became admin of acme-ai, and that dave kept his access.
pub fn assert_offboarded(state: &Value, leavers: &[String]) {
    for leaver in leavers {
        for org in ["acme-ai", "beta-lab"] {
            assert_eq!(role(state, org, leaver), None, "{leaver} left in {org}");
        }
        for repo in ["acme-ai/llama-ft", "acme-ai/faces", "beta-lab/secret"] {
            let status = access(state, repo, leaver);
            assert!(
                status.is_none() || status.as_deref() == Some("rejected"),
                "{leaver} on {repo}: {status:?}"
            );
        }
    }
    assert_eq!(role(state, "acme-ai", "carol").as_deref(), Some("admin"));
    assert_eq!(
        access(state, "acme-ai/llama-ft", "dave").as_deref(),
        Some("accepted")
    );
}
