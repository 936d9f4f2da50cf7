//! A Hub world with many leavers, like the engine's own test world scaled up, and the exact set
//! of destructive Hub writes that offboarding all of them calls for.

use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Leaver's Hub token (leaver-bot, admin of both orgs).
pub const TOKEN: &str = "hf_leaver_bot_admin";
/// The orgs Leaver manages.
pub const ORGS: &str = "acme-ai,beta-lab";

/// `leavers` people leaving. `lv-000` is the last human admin of acme-ai (team), with carol as
/// successor; the others are `write` members of acme-ai (the even ones in the `research`
/// resource group), and the odd ones also `read` members of beta-lab (enterprise). Every leaver
/// holds accepted access to acme-ai/llama-ft, every third to acme-ai/faces, the odd ones to
/// beta-lab/secret. dave admins beta-lab and keeps his own access.
pub struct World {
    pub leavers: Vec<String>,
}

/// One leaver's holdings.
struct Holdings {
    acme_role: &'static str,
    in_research: bool,
    in_beta: bool,
    repos: Vec<(&'static str, &'static str)>,
}

impl World {
    pub fn new(leavers: usize) -> World {
        World {
            leavers: (0..leavers).map(|i| format!("lv-{i:03}")).collect(),
        }
    }

    fn holdings(i: usize) -> Holdings {
        let mut repos = vec![("models", "acme-ai/llama-ft")];
        if i.is_multiple_of(3) {
            repos.push(("datasets", "acme-ai/faces"));
        }
        if i % 2 == 1 {
            repos.push(("models", "beta-lab/secret"));
        }
        Holdings {
            acme_role: if i == 0 { "admin" } else { "write" },
            in_research: i.is_multiple_of(2),
            in_beta: i % 2 == 1,
            repos,
        }
    }

    /// The successor a leaver's ticket names (only the last admin needs one).
    pub fn successor(&self, leaver: &str) -> Option<&'static str> {
        (leaver == "lv-000").then_some("carol")
    }

    /// The hubsim seed.
    pub fn seed(&self) -> Value {
        let mut users = vec![user("leaver-bot"), user("carol"), user("dave")];
        let mut acme = vec![member("leaver-bot", "admin"), member("carol", "write")];
        let mut beta = vec![member("leaver-bot", "admin"), member("dave", "admin")];
        let mut requests: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        requests
            .entry("acme-ai/llama-ft")
            .or_default()
            .push(accepted("dave"));
        for (i, leaver) in self.leavers.iter().enumerate() {
            let holdings = World::holdings(i);
            users.push(user(leaver));
            let mut acme_member = member(leaver, holdings.acme_role);
            if holdings.in_research {
                acme_member["resource_groups"] = json!([{"name": "research", "role": "write"}]);
            }
            acme.push(acme_member);
            if holdings.in_beta {
                beta.push(member(leaver, "read"));
            }
            for (_, repo) in holdings.repos {
                requests.entry(repo).or_default().push(accepted(leaver));
            }
        }
        json!({
            "users": users,
            "tokens": [{"user": "leaver-bot", "value": TOKEN}],
            "orgs": [
                {"name": "acme-ai", "plan": "team", "scim": "none", "members": acme,
                 "resource_groups": [{"name": "research"}]},
                {"name": "beta-lab", "plan": "enterprise", "scim": "none", "members": beta}
            ],
            "repos": [
                repo("acme-ai/llama-ft", "model", "manual", &requests),
                repo("acme-ai/faces", "dataset", "auto", &requests),
                repo("beta-lab/secret", "model", "manual", &requests),
            ]
        })
    }

    /// How many successful (2xx) answers each destructive write target must get, exactly: one
    /// removal per membership (through the member API, so no role change before it: see the
    /// planner's `strip_contains_risk`), the successor's promotion, and per gated repo
    /// one `handle` per leaver holding access (the path names the repo, not the user, so a repo
    /// counts once per leaver).
    pub fn expected_writes(&self) -> BTreeMap<String, u32> {
        let mut expected = BTreeMap::new();
        let mut add = |key: String| *expected.entry(key).or_insert(0) += 1;
        for (i, leaver) in self.leavers.iter().enumerate() {
            let holdings = World::holdings(i);
            let mut orgs = vec!["acme-ai"];
            if holdings.in_beta {
                orgs.push("beta-lab");
            }
            for org in orgs {
                add(format!("DELETE /api/organizations/{org}/members/{leaver}"));
            }
            for (kind, repo) in holdings.repos {
                add(format!(
                    "POST /api/{kind}/{repo}/user-access-request/handle"
                ));
            }
            if let Some(successor) = self.successor(leaver) {
                add(format!(
                    "PUT /api/organizations/acme-ai/members/{successor}/role"
                ));
            }
        }
        expected
    }
}

fn user(name: &str) -> Value {
    json!({"username": name, "fullname": name, "email": format!("{name}@acme.test")})
}

fn member(name: &str, role: &str) -> Value {
    json!({"user": name, "role": role})
}

fn accepted(name: &str) -> Value {
    json!({"user": name, "status": "accepted"})
}

fn repo(id: &str, kind: &str, gated: &str, requests: &BTreeMap<&str, Vec<Value>>) -> Value {
    json!({"id": id, "type": kind, "private": false, "gated": gated,
           "access_requests": requests.get(id).cloned().unwrap_or_default()})
}
