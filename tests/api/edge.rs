//! The HTTP edge under attack: the mailbox page belongs to the demo alone and Leaver's files are
//! its own; `next` after login never leaves the site; concurrent wrong passwords cannot outrun
//! the login brake; slow or stalled clients are cut off while `/healthz` keeps answering, and no
//! more than the cap are connected; every answer carries nosniff, frame denial and (over
//! https) HSTS; a query parameter given twice is the API's JSON 422.

use crate::support::{OPERATOR, PASSWORD, Reply, TestApp, apps, cookie, csrf_in};
use leaver_app::Settings;
use leaver_core::CaseId;
use leaver_store::{Actor, Store, scratch};
use leaver_testkit::Options;
use reqwest::StatusCode;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

const WORLD: &str = include_str!("../../crates/leaver/demo/world.json");

/// `leaver ARGS` in `cwd` with `env` and no other `LEAVER_*` setting; killed when dropped.
fn leaver(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> (Child, ChildStdout) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_leaver"));
    for (key, _) in std::env::vars().filter(|(key, _)| key.starts_with("LEAVER_")) {
        command.env_remove(key);
    }
    let mut child = command
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .env("LEAVER_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("leaver starts");
    let stdout = child.stdout.take().expect("stdout");
    (child, stdout)
}

/// The first `http://` word on the first line of `stdout` that contains `marker`.
async fn printed_url(stdout: ChildStdout, marker: &str) -> String {
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await.expect("stdout") {
        if line.contains(marker) {
            let url = line.split_whitespace().find(|w| w.starts_with("http://"));
            // Keep reading: a process that prints into a closed pipe fails.
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return url.expect("a URL").to_owned();
        }
    }
    panic!("leaver ended without printing {marker:?}")
}

/// Polls `ready` every 100 ms for up to a minute (a guard against hanging, not a speed target).
async fn eventually<T>(what: &str, mut ready: impl AsyncFnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(done) = ready().await {
            return done;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn mode(path: impl AsRef<Path>) -> u32 {
    let path = path.as_ref();
    let metadata = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    metadata.permissions().mode() & 0o777
}

fn emails_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect()
}

#[tokio::test]
async fn leaver_serve_shows_no_mailbox_and_keeps_its_files_to_itself() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hub = hubsim::spawn(hubsim::Seed::from_json(WORLD).expect("world"))
        .await
        .expect("hubsim");
    let db = format!("sqlite://{}", dir.path().join("leaver.db").display());
    let mail = dir.path().join("mail");
    let (_serve, stdout) = leaver(
        &["serve"],
        dir.path(),
        &[
            ("LEAVER_DATABASE_URL", &db),
            ("LEAVER_HUB_URL", &hub.url),
            ("LEAVER_HUB_TOKEN", "hf_demo_leaver_bot_admin"),
            ("LEAVER_ORGS", "acme-ai,northwind"),
            ("LEAVER_SERVICE_ACCOUNTS", "leaver-bot"),
            ("LEAVER_MAILBOX_DIR", mail.to_str().expect("path")),
        ],
    );
    let url = printed_url(stdout, "serving on").await;
    let store = leaver_store::connect(&db).await.expect("the same database");
    let now = OffsetDateTime::now_utc();
    let ticket = scratch::ticket("HR-7001", "frank");
    store
        .open_case(&ticket, CaseId::random(), &Actor::cli(), now)
        .await
        .expect("case");

    let emails = eventually("an approval email in the mailbox folder", async || {
        Some(emails_in(&mail)).filter(|e| !e.is_empty())
    })
    .await;
    let id = emails[0].file_stem().and_then(|s| s.to_str()).expect("id");
    let http = reqwest::Client::new();
    for page in ["/mail".to_owned(), format!("/mail/{id}")] {
        let answer = http.get(format!("{url}{page}")).send().await.expect("GET");
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{page}");
    }

    assert_eq!(mode(&mail), 0o700, "the mailbox folder");
    for email in &emails {
        assert_eq!(mode(email), 0o600, "{}", email.display());
    }
    let db_file = dir.path().join("leaver.db");
    for file in [
        "leaver.db",
        "leaver.db-wal",
        "leaver.db-shm",
        "leaver.db.key",
    ] {
        assert_eq!(mode(db_file.with_file_name(file)), 0o600, "{file}");
    }
}

#[tokio::test]
async fn the_demo_shows_its_mailbox_without_a_login() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_demo, stdout) = leaver(&["demo"], dir.path(), &[]);
    let mailbox = printed_url(stdout, "mailbox").await;
    let http = reqwest::Client::new();
    let page = eventually(
        "the demo's approval emails on its mailbox page",
        async || {
            let answer = http.get(&mailbox).send().await.ok()?;
            let ok = answer.status() == StatusCode::OK;
            let body = answer.text().await.ok()?;
            (ok && body.contains("erin@acme.test")).then_some(body)
        },
    )
    .await;
    assert!(page.contains("/mail/"), "each email opens from the list");
    assert_eq!(mode(dir.path().join("leaver-demo-mail")), 0o700);
}

/// Logs in as the test operator with `password`, asking to go to `next` afterwards.
async fn login_to(app: &TestApp, password: &str, next: &str) -> Reply {
    let form = app.get("/login", None).await;
    let login_cookie = cookie(&form.set_cookies, "leaver_login").expect("login cookie");
    let csrf = csrf_in(&form.body);
    let fields = [
        ("email", OPERATOR),
        ("password", password),
        ("csrf", &csrf),
        ("next", next),
    ];
    app.post_form("/login", Some(&login_cookie), Some(&app.url), &fields)
        .await
}

/// `next` values that leave the site, or break the redirect, once a browser has read them.
const HOSTILE_NEXT: [&str; 10] = [
    "/\t/evil.test/path",
    "/\n/x",
    "/\r\nSet-Cookie: a=b",
    "//evil.test/",
    "/\\evil.test/",
    "/%09/evil.test/path",
    "/%2F%2Fevil.test/",
    "/%5Cevil.test/",
    "https://evil.test/",
    "javascript:alert(1)",
];

#[tokio::test]
async fn after_login_next_only_ever_leads_to_a_path_on_this_site() {
    let (_dir, apps) = apps().await;
    for app in apps {
        for next in HOSTILE_NEXT {
            let query: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
            let form = app.get(&format!("/login?next={query}"), None).await;
            assert_eq!(form.status, StatusCode::OK, "{next:?}");
            assert!(
                form.body.contains(r#"name="next" value="/""#),
                "{next:?} is not carried into the form"
            );
            let done = login_to(&app, PASSWORD, next).await;
            assert_eq!(
                done.status,
                StatusCode::SEE_OTHER,
                "{next:?}: {}",
                done.body
            );
            assert_eq!(done.location.as_deref(), Some("/"), "{next:?}");
        }
        let done = login_to(&app, PASSWORD, "/cases?state=running").await;
        assert_eq!(done.location.as_deref(), Some("/cases?state=running"));
        let deep = app.get("/cases?search=%0A", None).await;
        assert_eq!(
            deep.location.as_deref(),
            Some("/login"),
            "a page's own address is held to the same rule"
        );
    }
}

#[tokio::test]
async fn concurrent_wrong_passwords_get_no_more_checks_than_the_brake_allows() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let app = Arc::new(app);
        let attempts = (0..64).map(|_| {
            let app = app.clone();
            tokio::spawn(async move { login_to(&app, "a wrong password", "/").await.status })
        });
        let mut checked = 0;
        let mut braked = 0;
        for attempt in attempts.collect::<Vec<_>>() {
            match attempt.await.expect("attempt") {
                StatusCode::UNAUTHORIZED => checked += 1,
                StatusCode::TOO_MANY_REQUESTS => braked += 1,
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(checked, 20, "passwords checked (the rest were braked)");
        assert_eq!(braked, 44);
        let right = login_to(&app, PASSWORD, "/").await;
        assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "still braked");
        assert!(cookie(&right.set_cookies, "leaver_session").is_none());
    }
}

/// The router over a scratch SQLite database, with the settings `tweak` makes (limits, the
/// public URL); returns its address.
async fn serve_within(dir: &Path, tweak: impl Fn(&mut Settings) + Send + Sync + 'static) -> String {
    let app = leaver_testkit::TestApp::sqlite(dir, &Options::default().settings(tweak)).await;
    app.url.trim_start_matches("http://").to_owned()
}

/// A client that sends `bytes` and then nothing more.
fn stalled(addr: &str, bytes: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.write_all(bytes.as_bytes()).expect("write");
    stream.set_nonblocking(true).expect("non-blocking");
    stream
}

/// Whether the server has closed `stream` (end of file or reset), without waiting.
fn closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {} // an error page before the close
            Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
            Err(_) => return true,
        }
    }
}

async fn health(addr: &str) -> StatusCode {
    let answer = reqwest::get(format!("http://{addr}/healthz")).await;
    answer.expect("/healthz answers").status()
}

const HALF_A_HEAD: &str = "GET /healthz HTTP/1.1\r\nHost: leaver\r\nX-Slow: ";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_headers_are_cut_off_and_health_answers_meanwhile() {
    let dir = tempfile::tempdir().expect("temp dir");
    let addr = serve_within(dir.path(), |s| s.header_timeout_secs = 3).await;
    let mut slow: Vec<_> = (0..300).map(|_| stalled(&addr, HALF_A_HEAD)).collect();

    assert_eq!(health(&addr).await, StatusCode::OK);
    assert!(
        !slow.iter_mut().any(closed),
        "the slow clients are still connected"
    );

    eventually("the server closes every slow client", async || {
        slow.retain_mut(|s| !closed(s));
        slow.is_empty().then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_request_body_is_cut_off() {
    let dir = tempfile::tempdir().expect("temp dir");
    let addr = serve_within(dir.path(), |s| s.idle_timeout_secs = 1).await;
    let head = "POST /login HTTP/1.1\r\nHost: leaver\r\nContent-Length: 1000\r\n\
                Content-Type: application/x-www-form-urlencoded\r\n\r\nemail=a";
    let mut upload = stalled(&addr, head);
    eventually("the server closes the stalled upload", async || {
        closed(&mut upload).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_cap_a_connection_waits_for_a_free_slot() {
    let dir = tempfile::tempdir().expect("temp dir");
    let addr = serve_within(dir.path(), |s| {
        s.header_timeout_secs = 1;
        s.max_connections = 3;
    })
    .await;
    let mut slow: Vec<_> = (0..3).map(|_| stalled(&addr, HALF_A_HEAD)).collect();

    assert_eq!(health(&addr).await, StatusCode::OK);
    assert!(
        slow.iter_mut().any(closed),
        "the fourth connection was served only once a slow one was gone"
    );
}

fn header(answer: &reqwest::Response, name: &str) -> Option<String> {
    let value = answer.headers().get(name)?;
    Some(value.to_str().expect("text").to_owned())
}

#[tokio::test]
async fn every_answer_says_nosniff_and_refuses_frames_and_https_adds_hsts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = serve_within(dir.path(), |_| {}).await;
    let https = serve_within(dir.path(), |s| {
        s.public_url = Some("https://leaver.acme.test".parse().expect("URL"));
    })
    .await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for (addr, hsts) in [(plain, false), (https, true)] {
        for path in [
            "/healthz",
            "/login",
            "/cases",
            "/api/v1/cases",
            "/no-such-page",
        ] {
            let answer = http
                .get(format!("http://{addr}{path}"))
                .send()
                .await
                .expect("GET");
            let said = |name| header(&answer, name);
            assert_eq!(said("x-content-type-options").as_deref(), Some("nosniff"));
            assert_eq!(said("x-frame-options").as_deref(), Some("DENY"), "{path}");
            let csp = said("content-security-policy").unwrap_or_default();
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            let expected = hsts.then(|| "max-age=31536000".to_owned());
            assert_eq!(said("strict-transport-security"), expected, "{path}");
        }
    }
}

#[tokio::test]
async fn a_query_parameter_given_twice_is_a_json_422_naming_it() {
    let (_dir, apps) = apps().await;
    for app in apps {
        for (query, name) in [
            ("state=running&state=completed", "state"),
            ("limit=1&search=bob&limit=2", "limit"),
        ] {
            let reply = app
                .api("GET", &format!("/api/v1/cases?{query}"), None)
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                reply.body
            );
            let body = reply.json();
            assert_eq!(body["error"], "invalid input", "{}", reply.body);
            assert_eq!(body["fields"][0]["field"], name);
            assert_eq!(body["fields"][0]["message"], "is given more than once");
        }
        let fine = app.api("GET", "/api/v1/cases?state=running", None).await;
        assert_eq!(fine.status, StatusCode::OK);
    }
}
