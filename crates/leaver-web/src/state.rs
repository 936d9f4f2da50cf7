//! What every handler can reach: the application, and what is the web's own (the origin forms
//! must come from, the brakes on guessing, the demo's mailbox).

use crate::GuessBrake;
use leaver_app::Leaver;
use leaver_app::mailbox::DemoMailbox;
use std::sync::Arc;

/// Shared application state: cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The use cases.
    pub app: Arc<Leaver>,
    /// The origin (`https://leaver.example.com`) of `LEAVER_PUBLIC_URL`, if set: form POSTs
    /// must come from it (or from the Host they were sent to).
    pub public_origin: Option<String>,
    /// Whether cookies carry `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// Slows down whoever tries approval links that do not exist.
    pub guesses: Arc<GuessBrake>,
    /// Counts login attempts per address, each before its password is checked.
    pub login_brake: Arc<GuessBrake>,
    /// The demo's mailbox, shown at `/mail` (only `leaver demo` sets it).
    pub mailbox: Option<Arc<DemoMailbox>>,
}

impl AppState {
    /// The web app over `app`; links, cookies and the origin check follow its
    /// `LEAVER_PUBLIC_URL`.
    pub fn new(app: Arc<Leaver>) -> AppState {
        let public = app.settings().public_url.as_ref();
        AppState {
            public_origin: public.map(|url| url.origin().ascii_serialization()),
            secure_cookies: public.is_some_and(|url| url.scheme() == "https"),
            app,
            guesses: Arc::default(),
            login_brake: Arc::default(),
            mailbox: None,
        }
    }

    /// `/mail` shows `mailbox` (the demo's).
    pub fn with_mailbox(mut self, mailbox: DemoMailbox) -> AppState {
        self.mailbox = Some(Arc::new(mailbox));
        self
    }
}
