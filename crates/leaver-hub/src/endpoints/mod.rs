//! The endpoints, one concept per file, all as `async fn`s on [`crate::HubClient`].

mod access_requests;
mod members;
mod orgs;
mod repos;
mod scim;
mod tokens;
mod users;
