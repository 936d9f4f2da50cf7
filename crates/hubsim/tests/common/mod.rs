//! Shared test set-up: a seeded simulator on port 0 and a small HTTP helper.
#![allow(
    dead_code,
    reason = "each test crate uses a different subset of the helpers"
)]

use hubsim::Seed;
use reqwest::{Method, Response};
use serde_json::{Value, json};

/// A running simulator and a client for it.
pub struct Sim {
    pub url: String,
    pub client: reqwest::Client,
}

/// The seed most tests start from.
///
/// - `acme-ai` (team): alice admin, bob write (RG research:write), carol read, dave invited.
/// - `free-org` (free): frank admin, bob read.
/// - `ent-managed` (enterprise, managed SCIM) and `ent-basic` (enterprise, basic SCIM).
pub fn base_seed() -> Value {
    json!({
        "users": [
            {"username": "alice", "fullname": "Alice A", "email": "alice@acme.test"},
            {"username": "bob", "fullname": "Bob B", "email": "bob@acme.test"},
            {"username": "carol", "fullname": "Carol C", "email": "carol@acme.test"},
            {"username": "dave", "fullname": "Dave D", "email": "dave@acme.test"},
            {"username": "erin", "fullname": "Erin E", "email": "erin@else.test"},
            {"username": "frank", "fullname": "Frank F", "email": "frank@free.test"}
        ],
        "tokens": [
            {"user": "alice", "value": "hf_alice_admin"},
            {"user": "alice", "value": "hf_alice_read", "role": "read"},
            {"user": "bob", "value": "hf_bob"},
            {"user": "carol", "value": "hf_carol"},
            {"user": "erin", "value": "hf_erin"},
            {"user": "frank", "value": "hf_frank"}
        ],
        "orgs": [
            {"name": "acme-ai", "plan": "team", "scim": "none",
             "members": [
                {"user": "alice", "role": "admin"},
                {"user": "bob", "role": "write", "resource_groups": [{"name": "research", "role": "write"}]},
                {"user": "carol", "role": "read"}
             ],
             "resource_groups": [{"name": "research"}, {"name": "infra"}],
             "invitations": [{"user": "dave", "role": "read"}]},
            {"name": "free-org", "plan": "free",
             "members": [{"user": "frank", "role": "admin"}, {"user": "bob", "role": "read"}]},
            {"name": "ent-managed", "plan": "enterprise", "scim": "managed", "scim_token": "scim_managed_secret",
             "members": [{"user": "alice", "role": "admin"}, {"user": "bob", "role": "write"}],
             "scim_users": [{"user": "bob", "external_id": "okta-bob"}]},
            {"name": "ent-basic", "plan": "enterprise", "scim": "basic", "scim_token": "scim_basic_secret",
             "members": [{"user": "alice", "role": "admin"},
                         {"user": "bob", "role": "read", "resource_groups": [{"name": "ops", "role": "read"}]}],
             "invitations": [{"user": "dave", "role": "read"}]}
        ],
        "repos": [
            {"id": "acme-ai/llama-ft", "type": "model", "private": false, "gated": "manual",
             "access_requests": [
                {"user": "bob", "status": "accepted", "fields": {"Company": "Acme"}},
                {"user": "carol", "status": "pending"},
                {"user": "erin", "status": "rejected"}
             ]},
            {"id": "acme-ai/secret-model", "type": "model", "private": true, "gated": false, "storage": 300},
            {"id": "acme-ai/open-data", "type": "dataset", "private": false, "gated": false, "storage": 100},
            {"id": "erin/own-model", "type": "model"}
        ]
    })
}

/// Parses a JSON seed.
pub fn seed(value: Value) -> Seed {
    serde_json::from_value(value).expect("test seed is valid")
}

impl Sim {
    /// Starts a simulator on port 0.
    pub async fn start(value: Value) -> Sim {
        let running = hubsim::spawn(seed(value)).await.expect("simulator starts");
        Sim {
            url: running.url,
            client: reqwest::Client::new(),
        }
    }

    /// Starts one on [`base_seed`].
    pub async fn base() -> Sim {
        Sim::start(base_seed()).await
    }

    /// Sends a request; `body` is sent as JSON when given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.url)
        };
        let mut request = self.client.request(method, url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request reaches the simulator")
    }

    /// GET.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.call(Method::GET, path, token, None).await
    }

    /// GET, expecting 200, returning the JSON body.
    pub async fn get_json(&self, path: &str, token: Option<&str>) -> Value {
        let response = self.get(path, token).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON body")
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// PUT with a JSON body.
    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    /// PATCH with a JSON body.
    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    /// DELETE.
    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.call(Method::DELETE, path, token, None).await
    }

    /// The current state (`GET /_sim/state`).
    pub async fn state(&self) -> Value {
        self.get_json("/_sim/state", None).await
    }

    /// Follows `Link: <url>; rel="next"` from `path`, collecting every page's items.
    pub async fn all_pages(&self, path: &str, token: Option<&str>) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut pages = 0;
        let mut next = Some(format!("{}{path}", self.url));
        while let Some(url) = next {
            let response = self.get(&url, token).await;
            assert_eq!(response.status(), 200, "GET {url}");
            next = next_link(&response);
            let page: Vec<Value> = response.json().await.expect("JSON array");
            items.extend(page);
            pages += 1;
            assert!(pages < 1000, "pagination does not end");
        }
        (items, pages)
    }
}

/// The `rel="next"` URL of a response, if any.
pub fn next_link(response: &Response) -> Option<String> {
    let link = response.headers().get("link")?.to_str().ok()?;
    let (url, rel) = link.split_once(';')?;
    assert_eq!(rel.trim(), "rel=\"next\"");
    Some(
        url.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string(),
    )
}

/// A header as a string ("" when absent).
pub fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Asserts a Hub-style error: status, `X-Error-Message`, JSON `{"error"}` body, and returns the body.
pub async fn assert_error(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "status");
    assert!(
        !header(&response, "x-error-message").is_empty(),
        "X-Error-Message present"
    );
    assert!(
        !header(&response, "x-request-id").is_empty(),
        "X-Request-Id present"
    );
    assert!(header(&response, "content-type").starts_with("application/json"));
    let message = header(&response, "x-error-message");
    let body: Value = response.json().await.expect("JSON error body");
    assert_eq!(
        body["error"],
        message.as_str(),
        "body error matches the header"
    );
    body
}
