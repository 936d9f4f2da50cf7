//! Tools for the browser test: headless Chromium through chromedriver, `leaver serve` as a
//! child process, free ports, screenshots under `target/test-artifacts/`.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when the test ends, however it ends.
pub struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, or `None` (after a notice on stderr naming what is missing and how
/// to install it) when they are not on PATH. Where `LEAVER_REQUIRE_BROWSER=1` is set (CI's
/// `.ci/run`), missing tools fail the test instead of skipping it.
pub fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let chromium = on_path(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = on_path(&["chromedriver"]);
    if let (Some(c), Some(d)) = (&chromium, &driver) {
        return Some((c.clone(), d.clone()));
    }
    let missing = [
        chromium.is_none().then_some("chromium"),
        driver.is_none().then_some("chromedriver"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" and ");
    let how = "install them with `apt-get install -y chromium chromium-driver` (as .ci/run does)";
    assert!(
        std::env::var("LEAVER_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "the browser test needs {missing} on PATH and LEAVER_REQUIRE_BROWSER=1 forbids skipping it: {how}"
    );
    // Written to stderr itself, not through `eprintln!`, which the test harness captures and
    // hides for a passing test: the skip must show in a plain `cargo test`.
    let notice = format!("skipped the browser test: {missing} not found on PATH; {how}\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), notice.as_bytes());
    None
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

pub async fn shot(browser: &Client, name: &str) {
    let png = browser.screenshot().await.expect("screenshot");
    std::fs::write(artifacts().join(format!("browser-{name}.png")), png).expect("save screenshot");
}

/// `chromedriver` on a free port, answering.
pub async fn chromedriver(driver: &Path) -> (Killed, String) {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not listen"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (Killed(child), format!("http://127.0.0.1:{port}"))
}

pub async fn browser(chromium: &Path, webdriver: &str, profile: &Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1000",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": chromium, "args": args }),
    );
    ClientBuilder::rustls()
        .expect("tls")
        .capabilities(caps)
        .connect(webdriver)
        .await
        .expect("a Chromium session")
}

/// `leaver serve` against hubsim's demo world, `db` and the SMTP server `smtp`; returns it and
/// its URL.
pub fn serve(db: &str, hub: &str, smtp: &str) -> (Killed, String) {
    serve_with(db, hub, smtp, &[])
}

/// [`serve`] with more environment (`LEAVER_SECRET_KEY`, which Postgres needs).
pub fn serve_with(db: &str, hub: &str, smtp: &str, env: &[(&str, &str)]) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaver"))
        .arg("serve")
        .envs(env.iter().copied())
        .env("LEAVER_DATABASE_URL", db)
        .env("LEAVER_BIND", "127.0.0.1:0")
        .env("LEAVER_HUB_URL", hub)
        .env("LEAVER_HUB_TOKEN", "hf_demo_leaver_bot_admin")
        .env("LEAVER_ORGS", "acme-ai,northwind")
        .env("LEAVER_SERVICE_ACCOUNTS", "leaver-bot")
        .env("LEAVER_SMTP_URL", smtp)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("leaver serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let guard = Killed(child);
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
        .expect("first line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("serving URL")
        .to_owned();
    (guard, url)
}

/// Types `text` into the field `css` of the page the browser is on.
pub async fn fill(browser: &Client, css: &str, text: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .expect(css)
        .send_keys(text)
        .await
        .expect("typing");
}

/// Fills the login form the browser is on with `email` and `password` and sends it.
pub async fn log_in(browser: &Client, email: &str, password: &str) {
    fill(browser, "#email", email).await;
    fill(browser, "#password", password).await;
    browser
        .find(Locator::Css("form[action='/login'] button"))
        .await
        .expect("the login button")
        .click()
        .await
        .expect("log in");
}
