//! Approvals end to end, on SQLite and (when `TEST_POSTGRES_URL` is set) Postgres: the real web
//! server, a hubsim, a real SMTP server on loopback, and the engine sending approval emails
//! through it. Links are taken from the delivered MIME messages, as an approver's mail client
//! shows them, and used over HTTP as a browser (or a mail scanner, or an attacker) would.

mod apps;
mod attacks_forms;
mod attacks_links;
mod concurrency;
mod drift;
mod expiry;
mod form_fuzz;
mod happy_path;
mod operators;
mod outage;
mod per_step;
mod placeholders;
mod secrets;
mod self_approval;
mod steering;
mod support;
mod timing;
mod typed_text;
