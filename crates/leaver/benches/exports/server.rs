//! The server under measurement, in a process of its own, and logging in to it.

use super::{OPERATOR, PASSWORD, SERVE_VAR};
use hubsim::bench::peak_memory_mb_of;
use reqwest::header::{COOKIE, ORIGIN};
use std::io::BufRead;
use std::process::{Child, Command, Stdio};

/// The server under measurement: this executable serving the router over `database`.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub fn start(database: &str) -> anyhow::Result<Server> {
        let mut child = Command::new(std::env::current_exe()?)
            .env(SERVE_VAR, database)
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let mut url = String::new();
        std::io::BufReader::new(stdout).read_line(&mut url)?;
        Ok(Server {
            child,
            url: url.trim().to_owned(),
        })
    }

    pub fn peak_mb(&self) -> u64 {
        peak_memory_mb_of(self.child.id())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child's side: serves the router over `database` and prints its URL.
pub async fn serve(database: &str) -> anyhow::Result<()> {
    let settings = leaver_app::Settings {
        database_url: database.to_owned(),
        ..leaver_app::Settings::default()
    };
    let app = leaver_app::Leaver::builder(settings)
        .database_only()
        .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("http://{}", listener.local_addr()?);
    let state = leaver_web::AppState::new(std::sync::Arc::new(app));
    leaver_web::serve(listener, state, std::future::pending()).await?;
    Ok(())
}

/// The operator's session cookie, logged in through the login form.
pub async fn login(http: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    let form = http.get(format!("{url}/login")).send().await?;
    let login_cookie = cookie(&form, "leaver_login")?;
    let csrf = csrf_in(&form.text().await?)?;
    let fields = [
        ("email", OPERATOR),
        ("password", PASSWORD),
        ("csrf", &csrf),
        ("next", "/"),
    ];
    let done = http
        .post(format!("{url}/login"))
        .header(COOKIE, login_cookie)
        .header(ORIGIN, url)
        .form(&fields)
        .send()
        .await?;
    cookie(&done, "leaver_session")
}

fn cookie(response: &reqwest::Response, name: &str) -> anyhow::Result<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no {name} cookie ({})", response.status()))
}

pub fn csrf_in(html: &str) -> anyhow::Result<String> {
    let at = html
        .find("name=\"csrf\" value=\"")
        .ok_or_else(|| anyhow::anyhow!("no CSRF field"))?;
    let rest = &html[at + 19..];
    Ok(rest.split('"').next().unwrap_or_default().to_owned())
}
