//! Tests' Leaver, built the way `leaver serve` builds it (`leaver_app::Leaver::build`) and served
//! by the real router on 127.0.0.1:0. [`apps`] gives one [`TestApp`] per available database (a
//! SQLite file always, a fresh Postgres database when `TEST_POSTGRES_URL` is set); [`Options`]
//! choose the hubsim world, an SMTP sink on loopback instead of a mailbox folder, a manual clock
//! and any other setting. The workers do not run by themselves: a test drives them with
//! [`TestApp::run_pending_jobs`], so nothing sleeps.

pub mod scim_app;

use leaver_app::{Leaver, ManualClock, Settings, Tuning};
use leaver_mail::smtp_sink::SmtpSink;
use leaver_store::{Dialect, SqlStore, Store, scratch};
use leaver_web::AppState;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// Leaver's own Hub token (leaver-bot's), in every world.
pub const HUB_TOKEN: &str = "hf_leaver_bot_admin";
/// The sender of Leaver's emails.
pub const MAIL_FROM: &str = "Leaver <leaver@acme.test>";

/// Changes to the settings, applied after the kit's own.
type Tweak = Arc<dyn Fn(&mut Settings) + Send + Sync>;

/// How an app is set up.
#[derive(Clone, Default)]
pub struct Options {
    world: Option<Value>,
    smtp: bool,
    manual_clock: bool,
    tweaks: Vec<Tweak>,
}

impl Options {
    /// hubsim serves `world` (a seed, as JSON); without one, a world with Leaver's bot and a
    /// few people (alice, bob, carol, dave, ..., user0..user2) in no org.
    pub fn world(mut self, world: Value) -> Options {
        self.world = Some(world);
        self
    }

    /// Emails go over SMTP to a sink on loopback ([`TestApp::sink`]) instead of a folder.
    pub fn smtp_sink(mut self) -> Options {
        self.smtp = true;
        self
    }

    /// Time stands still until the test moves it ([`TestApp::advance`]).
    pub fn manual_clock(mut self) -> Options {
        self.manual_clock = true;
        self
    }

    /// Sets anything else: `.settings(|s| s.orgs = vec!["acme-ai".into()])`.
    pub fn settings(mut self, tweak: impl Fn(&mut Settings) + Send + Sync + 'static) -> Options {
        self.tweaks.push(Arc::new(tweak));
        self
    }
}

/// One running app.
pub struct TestApp {
    /// The router's base URL (`http://127.0.0.1:PORT`).
    pub url: String,
    pub app: Arc<Leaver>,
    /// The app's store, to read (and tamper with) around the use cases.
    pub store: Arc<SqlStore>,
    pub db_url: String,
    pub dialect: Dialect,
    /// A client that does not follow redirects.
    pub http: reqwest::Client,
    /// hubsim's base URL.
    pub hub_url: String,
    pub sink: Option<SmtpSink>,
    pub clock: Option<ManualClock>,
}

/// One app per available database; keep the directory alive for the test's length.
pub async fn apps(options: Options) -> (tempfile::TempDir, Vec<TestApp>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut apps = Vec::new();
    for (store, db_url) in scratch::all(dir.path()).await.expect("databases") {
        store.pool().close().await;
        apps.push(TestApp::spawn(&db_url, dir.path(), &options).await);
    }
    (dir, apps)
}

impl TestApp {
    /// An app over a fresh SQLite database in `dir` only.
    pub async fn sqlite(dir: &Path, options: &Options) -> TestApp {
        let (store, db_url) = scratch::sqlite(dir).await.expect("database");
        store.pool().close().await;
        TestApp::spawn(&db_url, dir, options).await
    }

    /// An app over the (migrated) database at `db_url`, writing its files under `dir`.
    pub async fn spawn(db_url: &str, dir: &Path, options: &Options) -> TestApp {
        let world = options.world.clone().unwrap_or_else(bot_only);
        let sim = hubsim::spawn(serde_json::from_value(world).expect("a hubsim seed"))
            .await
            .expect("hubsim");
        let sink = match options.smtp {
            true => Some(SmtpSink::start().await),
            false => None,
        };
        let settings = settings(db_url, dir, &sim.url, sink.as_ref(), options);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let clock = options
            .manual_clock
            .then(|| ManualClock::new(OffsetDateTime::now_utc()));
        let mut builder = Leaver::builder(settings)
            .tuning(Tuning::quick())
            .serving_at(url.parse().expect("url"));
        if let Some(clock) = &clock {
            builder = builder.clock(Arc::new(clock.clone()));
        }
        let app = Arc::new(builder.build().await.expect("Leaver builds"));
        let state = AppState::new(app.clone());
        tokio::spawn(leaver_web::serve(listener, state, std::future::pending()));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            url,
            store: app.store().clone(),
            dialect: app.store().dialect(),
            app,
            db_url: db_url.to_owned(),
            http,
            hub_url: sim.url,
            sink,
            clock,
        }
    }

    /// The app's time.
    pub fn now(&self) -> OffsetDateTime {
        self.app.now()
    }

    /// Moves the manual clock forward.
    pub fn advance(&self, by: Duration) {
        let clock = self
            .clock
            .as_ref()
            .expect("this app runs on a manual clock");
        clock.advance(time::Duration::try_from(by).expect("duration"));
    }

    /// Runs due jobs and sends due mail (with reminders and escalations) until neither has
    /// anything left to do now.
    pub async fn run_pending_jobs(&self) {
        let engine = self.app.engine().expect("a running app has an engine");
        for _ in 0..200 {
            let jobs = engine.run_once().await.expect("engine");
            let sent = engine.run_mail_once().await.expect("mail");
            if jobs == 0 && sent == 0 {
                return;
            }
        }
        panic!("the engine never went idle");
    }

    /// Runs due jobs until case `id` reaches a state `done` accepts, within a minute (step
    /// retries are scheduled a few milliseconds ahead on the wall clock, hence the polling);
    /// a case stuck longer fails the test with its steps.
    pub async fn run_until(
        &self,
        id: leaver_app::model::CaseId,
        done: impl Fn(leaver_app::model::CaseState) -> bool,
    ) -> leaver_app::model::Case {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            self.run_pending_jobs().await;
            let current = self.app.case(id).await.expect("case");
            if done(current.state) {
                return current;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "case stuck in {}: {:#?}",
                current.state,
                current.steps
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Rows in `table`, read around the app.
    pub async fn count(&self, table: &str) -> i64 {
        scratch::count_rows(&self.store, table)
            .await
            .expect("count")
    }
}

/// The kit's settings: the database, hubsim with Leaver's token, a fresh secret key, mail to
/// the sink or to a folder under `dir`; then the options' own.
fn settings(
    db_url: &str,
    dir: &Path,
    hub_url: &str,
    sink: Option<&SmtpSink>,
    options: &Options,
) -> Settings {
    let key: [u8; 32] = rand::random();
    let mut settings = Settings {
        database_url: db_url.to_owned(),
        hub_url: hub_url.parse().expect("hub URL"),
        hub_token: Some(HUB_TOKEN.to_owned().into()),
        secret_key: Some(hex::encode(key).into()),
        mail_from: MAIL_FROM.into(),
        ..Settings::default()
    };
    match sink {
        Some(sink) => settings.smtp_url = Some(format!("{}?timeout=5", sink.url).into()),
        None => {
            let folder = format!("mail-{:016x}", rand::random::<u64>());
            settings.mailbox_dir = Some(dir.join(folder));
        }
    }
    for tweak in &options.tweaks {
        tweak(&mut settings);
    }
    settings
}

/// A world with Leaver's bot and a few people in no org.
fn bot_only() -> Value {
    // The people tests open cases for exist on the Hub (a case for an unknown user is refused).
    let people = [
        "alice", "bob", "carla", "carol", "dave", "erin", "eve", "frank", "jane", "user0", "user1",
        "user2",
    ]
    .map(|u| json!({"username": u, "fullname": u, "email": format!("{u}@acme.test")}));
    let mut users =
        vec![json!({"username": "leaver-bot", "fullname": "Leaver Bot", "email": "it@acme.test"})];
    users.extend(people);
    json!({
        "users": users,
        "tokens": [{"user": "leaver-bot", "value": HUB_TOKEN}],
        "orgs": []
    })
}
