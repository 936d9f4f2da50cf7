//! SCIM 2.0 as RFC 7643 (schema) and RFC 7644 (protocol) define it, with the dialects real
//! identity providers speak (Entra's `"op": "Replace"` and `"value": "False"`, PATCH without a
//! `path`, Okta's filter probes). Pure: JSON in, JSON out; no HTTP, no storage. Leaver's service
//! provider (`/scim/v2`) is built on it, and a SCIM client can be.

pub mod discovery;
pub mod error;
pub mod filter;
pub mod limits;
pub mod list;
pub mod patch;
pub mod path;
pub mod projection;
pub mod schemas;
pub mod user;

pub use error::{ScimError, ScimType};
pub use filter::Filter;
pub use list::{ListResponse, Paging};
pub use patch::PatchOp;
pub use projection::Projection;
pub use user::{Email, UserView};

/// The media type of every SCIM request and response body (RFC 7644 §3.1).
pub const MEDIA_TYPE: &str = "application/scim+json";
