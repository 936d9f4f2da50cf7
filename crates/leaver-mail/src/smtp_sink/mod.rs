//! `SmtpSink`: a small but real SMTP server on `127.0.0.1` (port 0) for tests, behind the
//! `smtp-sink` feature. It speaks EHLO/HELO, AUTH PLAIN (when asked to), MAIL FROM, RCPT TO,
//! DATA (with dot-unstuffing), RSET, NOOP and QUIT over TCP, keeps every message it accepts,
//! and can simulate an outage ([`SmtpSink::set_down`]: every command is answered 421).
//!
//! ```no_run
//! # async fn demo() {
//! use std::time::Duration;
//! let sink = leaver_mail::smtp_sink::SmtpSink::start().await;
//! // point the code under test at `sink.url` ("smtp://127.0.0.1:PORT"), then:
//! let received = sink.wait_for(1, Duration::from_secs(5)).await;
//! assert_eq!(received.len(), 1);
//! # }
//! ```

mod session;

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// One message accepted by the sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// The envelope sender (`MAIL FROM:<...>`), without the angle brackets.
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO:<...>`), in order.
    pub rcpt_to: Vec<String>,
    /// The message as received after DATA (RFC 5322, CRLF line ends), dot-unstuffed.
    pub data: String,
    /// The user name the client authenticated as, if it did.
    pub auth_user: Option<String>,
}

/// A running SMTP server on loopback. Dropping it stops it.
#[derive(Debug)]
pub struct SmtpSink {
    /// Where it listens.
    pub addr: SocketAddr,
    /// `smtp://127.0.0.1:PORT`, ready for `LEAVER_SMTP_URL`.
    pub url: String,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

/// What the sessions share with the handle.
#[derive(Debug)]
struct State {
    messages: Mutex<Vec<ReceivedMessage>>,
    count: watch::Sender<usize>,
    down: AtomicBool,
    credentials: Mutex<Option<(String, String)>>,
}

impl State {
    fn is_down(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }

    fn credentials(&self) -> Option<(String, String)> {
        lock(&self.credentials).clone()
    }

    fn accept(&self, message: ReceivedMessage) {
        let mut messages = lock(&self.messages);
        messages.push(message);
        self.count.send_replace(messages.len());
    }
}

impl SmtpSink {
    /// Starts a sink on `127.0.0.1:0`.
    ///
    /// # Panics
    /// If no loopback port can be bound: a test cannot go on without its server.
    pub async fn start() -> SmtpSink {
        match SmtpSink::try_start().await {
            Ok(sink) => sink,
            Err(e) => panic!("smtp-sink: cannot listen on 127.0.0.1:0: {e}"),
        }
    }

    /// Starts a sink on `127.0.0.1:0`, reporting a failure to bind.
    pub async fn try_start() -> io::Result<SmtpSink> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            messages: Mutex::new(Vec::new()),
            count: watch::Sender::new(0),
            down: AtomicBool::new(false),
            credentials: Mutex::new(None),
        });
        let (shutdown, stopped) = watch::channel(false);
        let task = tokio::spawn(serve(listener, Arc::clone(&state), stopped));
        Ok(SmtpSink {
            addr,
            url: format!("smtp://{addr}"),
            state,
            shutdown,
            task: Mutex::new(Some(task)),
        })
    }

    /// Every message accepted so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        lock(&self.state.messages).clone()
    }

    /// Waits until at least `n` messages arrived or `timeout` passed, then returns all the
    /// messages accepted so far (fewer than `n` on timeout: assert on the length).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMessage> {
        let mut count = self.state.count.subscribe();
        let _ = tokio::time::timeout(timeout, count.wait_for(|c| *c >= n)).await;
        self.messages()
    }

    /// Forgets the messages received so far.
    pub fn clear(&self) {
        lock(&self.state.messages).clear();
        self.state.count.send_replace(0);
    }

    /// Simulates an outage (`true`): new connections get `421` as greeting and open ones get
    /// `421` to their next command, then are closed. `false` serves again.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    /// Requires `AUTH PLAIN` with these credentials before `MAIL FROM` (`None`: no auth, and
    /// AUTH is not advertised). Wrong credentials get `535`.
    pub fn require_auth(&self, credentials: Option<(&str, &str)>) {
        *lock(&self.state.credentials) =
            credentials.map(|(user, password)| (user.to_owned(), password.to_owned()));
    }

    /// Stops listening and closes every open session; connections are refused afterwards.
    pub async fn stop(&self) {
        self.shutdown.send_replace(true);
        let task = lock(&self.task).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

/// Accepts connections until told to stop (or the handle is dropped); dropping the `JoinSet`
/// aborts the open sessions.
async fn serve(listener: TcpListener, state: Arc<State>, mut stop: watch::Receiver<bool>) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    sessions.spawn(session::run(stream, Arc::clone(&state)));
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
