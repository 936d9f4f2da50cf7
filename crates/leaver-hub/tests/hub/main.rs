//! Integration tests: `leaver-hub` against a real hubsim over HTTP on loopback.
//!
//! One test binary (modules below) so the workspace links it once.

#![expect(clippy::unwrap_used, reason = "tests")]

mod access;
mod errors;
mod lost_answers;
mod members;
mod pacing;
mod pagination;
mod retries;
mod scim;
mod secrets;
mod support;
