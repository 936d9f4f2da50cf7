//! A SCIM 2.0 client, written against RFC 7644 and nothing else: one app's base URL and bearer
//! token, and the calls that deprovision a person there. Find a user with a `filter` query,
//! read one by id, deactivate (`PATCH` of `active`, or `PUT` of the whole resource where the
//! app's ServiceProviderConfig says PATCH is unsupported), delete; and a probe of the app
//! (reachable, token valid, PATCH supported). The wire types are `leaver_scim`'s. No retries
//! here: a failure says whether it is transient and how long the app asked to wait, and the
//! caller decides when to try again.

mod client;
mod error;
mod matching;
mod probe;

pub use client::{RemoteUser, ScimClient};
pub use error::{ScimClientError, ScimFailure};
pub use matching::MatchBy;
pub use probe::{Features, Probe};
