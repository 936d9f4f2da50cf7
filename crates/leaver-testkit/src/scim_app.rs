//! A real third-party SCIM service provider for tests: `scim2-server` (PyPI, installed by
//! `.ci/run`), started on loopback on a free port with a bearer token, standing in for one SCIM
//! app (15Five, 1Password, 8x8...). Without the package, [`ScimApp::start`] says so and answers
//! `None` (the test passes, skipping), unless `LEAVER_REQUIRE_SCIM_SERVER=1` (as `.ci/run`
//! sets it): then it fails.

use serde_json::{Value, json};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// One scim2-server process; stopped when dropped.
pub struct ScimApp {
    /// Its SCIM base URL (`http://127.0.0.1:PORT`).
    pub url: String,
    /// The bearer token it accepts.
    pub token: String,
    http: reqwest::Client,
    _process: Child,
    _dir: tempfile::TempDir,
}

/// How a scim2-server is started.
#[derive(Clone, Debug, Default)]
pub struct ScimAppOptions {
    /// Announce `patch.supported: false` in its ServiceProviderConfig.
    pub without_patch: bool,
}

impl ScimApp {
    /// Starts scim2-server with a fresh token, or `None` if it is not installed (see above).
    pub async fn start(options: ScimAppOptions) -> Option<ScimApp> {
        let dir = tempfile::tempdir().expect("temp dir");
        let token = format!("scim-{:016x}", rand::random::<u64>());
        let port = free_port();
        let mut command = Command::new("scim2-server");
        command
            .args(["--hostname", "127.0.0.1", "--port", &port.to_string()])
            .args(["--bearer-token", &token])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        if options.without_patch {
            let path = dir.path().join("service-provider-config.json");
            std::fs::write(&path, without_patch().to_string()).expect("write config");
            command.arg("--service-provider-config").arg(&path);
        }
        let process = match command.spawn() {
            Ok(process) => process,
            Err(error) => {
                assert!(
                    std::env::var("LEAVER_REQUIRE_SCIM_SERVER").as_deref() != Ok("1"),
                    "scim2-server is required (pip install scim2-server): {error}"
                );
                eprintln!("scim2-server is not installed: skipped (pip install scim2-server)");
                return None;
            }
        };
        let app = ScimApp {
            url: format!("http://127.0.0.1:{port}"),
            token,
            http: reqwest::Client::new(),
            _process: process,
            _dir: dir,
        };
        app.wait_until_up().await;
        Some(app)
    }

    async fn wait_until_up(&self) {
        for _ in 0..300 {
            if self
                .http
                .get(format!("{}/ServiceProviderConfig", self.url))
                .send()
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("scim2-server did not answer on {}", self.url);
    }

    /// Provisions a user whose `userName` and primary email are `email` (as an IdP would),
    /// and answers its id.
    pub async fn provision(&self, email: &str) -> String {
        let user = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": email,
            "externalId": format!("idp-{email}"),
            "displayName": email,
            "emails": [{"value": email, "type": "work", "primary": true}],
            "active": true,
        });
        let created = self.call(reqwest::Method::POST, "/Users", Some(user)).await;
        created["id"].as_str().expect("an id").to_owned()
    }

    /// The User `id` as the server holds it, or `None` once deleted.
    pub async fn user(&self, id: &str) -> Option<Value> {
        let response = self
            .http
            .get(format!("{}/Users/{id}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("scim2-server answers");
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return None;
        }
        assert!(response.status().is_success(), "{}", response.status());
        Some(response.json().await.expect("JSON"))
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .header("Content-Type", "application/scim+json");
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        let response = request.send().await.expect("scim2-server answers");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(status.is_success(), "{status}: {text}");
        serde_json::from_str(&text).expect("JSON")
    }
}

/// A port nobody listens on now (the server binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A ServiceProviderConfig like scim2-server's own, but without PATCH.
fn without_patch() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": false},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": 1000},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "bearer_token",
            "description": "HTTP Bearer Token"
        }]
    })
}
