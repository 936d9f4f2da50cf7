//! The real router on 127.0.0.1:0, built by the test kit (`leaver_testkit`, on `Leaver::build`)
//! over a scratch database (SQLite, and Postgres when `TEST_POSTGRES_URL` is set), with an
//! operator and an API key, and typed helpers for the API, logins and forms.

use leaver_store::AccountStore;
use leaver_testkit::Options;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use serde_json::Value;
use std::ops::Deref;
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const OPERATOR: &str = "ops@acme.test";
pub const PASSWORD: &str = "correct horse battery staple";
/// The Hub token the app's token sealer knows as Leaver's own (`LEAVER_HUB_TOKEN`).
pub const LEAVER_HUB_TOKEN: &str = leaver_testkit::HUB_TOKEN;

/// One running app, with an operator and an API key.
pub struct TestApp {
    pub kit: leaver_testkit::TestApp,
    /// A valid API key (named `hr`).
    pub key: String,
}

impl Deref for TestApp {
    type Target = leaver_testkit::TestApp;
    fn deref(&self) -> &leaver_testkit::TestApp {
        &self.kit
    }
}

/// A logged-in browser: its session cookie and its forms' CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A response's status and body.
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

async fn reply(response: reqwest::Response) -> Reply {
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let location = header(LOCATION);
    let set_cookies = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    Reply {
        status: response.status(),
        location,
        set_cookies,
        body: response.text().await.expect("body"),
    }
}

/// The argon2 hash of [`PASSWORD`], computed once per test binary (it is slow on purpose).
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| leaver_app::accounts::hash_password(PASSWORD).expect("hash"))
}

/// `name="csrf" value="..."` from a page.
pub fn csrf_in(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("the page has a CSRF field")
        + 19;
    html[at..].split('"').next().expect("value").to_owned()
}

/// The `name=value` of cookie `name` among `Set-Cookie` headers.
pub fn cookie(set_cookies: &[String], name: &str) -> Option<String> {
    set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}

impl TestApp {
    /// `kit` with the test operator and the `hr` API key.
    pub async fn with_accounts(kit: leaver_testkit::TestApp) -> TestApp {
        let key = kit.app.create_api_key("hr").await.expect("key");
        kit.store
            .upsert_operator(OPERATOR, password_hash(), kit.now())
            .await
            .expect("operator");
        TestApp { kit, key }
    }

    /// An API call with the app's key.
    pub async fn api(&self, method: &str, path: &str, body: Option<&str>) -> Reply {
        self.api_as(Some(&self.key), method, path, body).await
    }

    /// Opens a case for `user` through the API with a valid ticket; returns its id.
    pub async fn open_case(&self, external_id: &str, user: &str) -> String {
        let body = ticket(external_id, user).to_string();
        let created = self.api("POST", "/api/v1/cases", Some(&body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        created.json()["id"].as_str().expect("id").to_owned()
    }

    /// An API call with `key` (or none).
    pub async fn api_as(
        &self,
        key: Option<&str>,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, format!("{}{path}", self.url));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_owned());
        }
        reply(request.send().await.expect("request")).await
    }

    /// A page, with `session`'s cookie if given.
    pub async fn get(&self, path: &str, session: Option<&Session>) -> Reply {
        let mut request = self.http.get(format!("{}{path}", self.url));
        if let Some(session) = session {
            request = request.header(COOKIE, &session.cookie);
        }
        reply(request.send().await.expect("request")).await
    }

    /// A URL-encoded form POST, sent from `origin` (None: no Origin header).
    pub async fn post_form(
        &self,
        path: &str,
        cookie: Option<&str>,
        origin: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .http
            .post(format!("{}{path}", self.url))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).expect("form"));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        if let Some(origin) = origin {
            request = request.header(ORIGIN, origin);
        }
        reply(request.send().await.expect("request")).await
    }

    /// A multipart POST (the import upload).
    pub async fn post_multipart(
        &self,
        path: &str,
        session: &Session,
        fields: &[(&str, &str)],
    ) -> Reply {
        let boundary = "leaver-test-boundary-7d1f";
        let mut body = String::new();
        for (name, value) in fields {
            let file = if *name == "file" {
                "; filename=\"cases.csv\"\r\nContent-Type: text/csv"
            } else {
                ""
            };
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let request = self
            .http
            .post(format!("{}{path}", self.url))
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(COOKIE, &session.cookie)
            .header(ORIGIN, &self.url)
            .body(body);
        reply(request.send().await.expect("request")).await
    }

    /// Logs in through the login form, as a browser does.
    pub async fn try_login(&self, email: &str, password: &str) -> Reply {
        let form = self.get("/login", None).await;
        let login_cookie = cookie(&form.set_cookies, "leaver_login").expect("login cookie");
        let csrf = csrf_in(&form.body);
        let fields = [
            ("email", email),
            ("password", password),
            ("csrf", &csrf),
            ("next", "/"),
        ];
        self.post_form("/login", Some(&login_cookie), Some(&self.url), &fields)
            .await
    }

    /// A logged-in session of the test operator.
    pub async fn login(&self) -> Session {
        let done = self.try_login(OPERATOR, PASSWORD).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let cookie = cookie(&done.set_cookies, "leaver_session").expect("session cookie");
        let mut session = Session {
            cookie,
            csrf: String::new(),
        };
        session.csrf = csrf_in(&self.get("/cases/new", Some(&session)).await.body);
        session
    }

    /// A form POST from this session, from our own origin, with its CSRF token.
    pub async fn submit(&self, session: &Session, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", session.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(path, Some(&session.cookie), Some(&self.url), &all)
            .await
    }

    /// `leaver ARGS` against this app's database, with `stdin` as its input.
    pub fn leaver(&self, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_leaver"))
            .args(args)
            .env("LEAVER_DATABASE_URL", &self.db_url)
            .env_remove("LEAVER_HUB_TOKEN")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("leaver runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("leaver ends")
    }
}

/// A valid ticket as the API takes it.
pub fn ticket(external_id: &str, user: &str) -> Value {
    serde_json::json!({
        "external_id": external_id,
        "person": {"email": format!("{user}@acme.test"), "name": "Some One", "hub_username": user},
        "manager_email": "carol@acme.test",
        "reason": "resignation"
    })
}

/// One app per available database; keep the directory alive for the test's length.
pub async fn apps() -> (tempfile::TempDir, Vec<TestApp>) {
    apps_with(Options::default()).await
}

/// [`apps`], set up with `options`.
pub async fn apps_with(options: Options) -> (tempfile::TempDir, Vec<TestApp>) {
    let (dir, kits) = leaver_testkit::apps(options).await;
    let mut apps = Vec::new();
    for kit in kits {
        apps.push(TestApp::with_accounts(kit).await);
    }
    (dir, apps)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Approves, as a whole, every approval link emailed to `approver` so far (read from the
/// loopback SMTP sink): each page fetched for its CSRF key, then `decision=approve` posted.
pub async fn approve_emailed_links(app: &TestApp, approver: &str) {
    let sink = app.sink.as_ref().expect("an SMTP sink");
    let mut links: Vec<String> = Vec::new();
    for message in sink.messages() {
        if !message.rcpt_to.iter().any(|r| r == approver) {
            continue;
        }
        let parsed = mail_parser::MessageParser::default()
            .parse(message.data.as_bytes())
            .expect("MIME");
        let text = parsed.body_text(0).expect("a text part").into_owned();
        for word in text.split_whitespace() {
            if let Some((_, token)) = word.split_once("/approvals/") {
                let path = format!("/approvals/{}", token.split('?').next().unwrap_or_default());
                if token.len() >= 64 && !links.contains(&path) {
                    links.push(path);
                }
            }
        }
    }
    assert!(!links.is_empty(), "{approver} was asked by email");
    for path in links {
        let page = app.get(&path, None).await;
        let csrf = csrf_in(&page.body);
        let fields = [
            ("csrf", csrf.as_str()),
            ("decision", "approve"),
            ("reason", ""),
        ];
        let done = app.post_form(&path, None, Some(&app.url), &fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    }
}
