//! Who is calling: operators log in with a password and get a session cookie (pages), HR
//! systems send an API key (REST API). Forms are guarded against cross-site requests by a token
//! derived from the session and by an Origin check.

mod apikey;
pub(crate) mod cookies;
pub(crate) mod csrf;
mod next;
mod password;
mod secret;
mod session;

pub use apikey::{ApiClient, new_api_key};
pub use csrf::CsrfForm;
pub(crate) use next::after_login;
pub use password::{MIN_PASSWORD_LEN, hash_password, verify_password};
pub use secret::{random_token, sha256_hex};
pub use session::{CurrentOperator, SESSION_COOKIE, SESSION_TTL, start_session};
