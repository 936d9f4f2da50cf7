//! `leaver-hub`: a typed client for the Hugging Face Hub endpoints Leaver uses.
//!
//! It owns the Hub's wire types and nothing of Leaver's. One [`HubClient`] (cheap to clone)
//! paces itself from the Hub's `RateLimit` headers so a backlog does not run into 429s,
//! retries transient failures with jittered backoff, follows pagination, and reports
//! failures as [`HubError`]s carrying the Hub's own message and request id. The token is a
//! [`secrecy::SecretString`] and is never printed or logged.
//!
//! ```no_run
//! # async fn demo() -> Result<(), leaver_hub::HubError> {
//! use leaver_hub::{HubClient, HubConfig};
//! let base = url::Url::parse("https://huggingface.co").expect("url");
//! let client = HubClient::new(HubConfig::new(base, "hf_xxx".into()))?;
//! let members = client.org_members("acme-ai").await?;
//! # Ok(()) }
//! ```

mod circuit;
mod client;
mod config;
mod endpoints;
mod error;
mod error_body;
mod pacing;
mod pagination;
pub mod purpose;
mod rate_limit;
mod replay;
mod retry;
pub mod types;

pub use circuit::{CircuitConfig, CircuitState};
pub use client::HubClient;
pub use config::HubConfig;
pub use error::{HubError, HubErrorKind};
pub use types::*;
