//! Reading a `GET /_sim/state` dump (the state in seed shape, as JSON): small look-ups
//! that tests of the simulator's clients assert on.

use serde_json::Value;

/// The role of `user` in `org` according to the dump, if a member.
pub fn role(state: &Value, org: &str, user: &str) -> Option<String> {
    let org = state["orgs"]
        .as_array()?
        .iter()
        .find(|o| o["name"] == org)?;
    let member = org["members"]
        .as_array()?
        .iter()
        .find(|m| m["user"] == user)?;
    member["role"].as_str().map(str::to_owned)
}

/// The status of `user`'s access request on `repo` according to the dump, if any.
pub fn access(state: &Value, repo: &str, user: &str) -> Option<String> {
    let repo = state["repos"]
        .as_array()?
        .iter()
        .find(|r| r["id"] == repo)?;
    let request = repo["access_requests"]
        .as_array()?
        .iter()
        .find(|r| r["user"] == user)?;
    request["status"].as_str().map(str::to_owned)
}
