//! Who is calling: operators log in with a password and get a session cookie (pages), HR
//! systems send an API key (REST API). Forms are guarded against cross-site requests by a token
//! derived from the session and by an Origin check.

mod apikey;
pub(crate) mod cookies;
pub(crate) mod csrf;
mod next;
mod session;

pub use apikey::ApiClient;
pub use csrf::CsrfForm;
pub(crate) use next::after_login;
pub(crate) use session::start_session;
pub use session::{CurrentOperator, SESSION_COOKIE};
