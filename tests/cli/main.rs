//! The `leaver` binary, run as an operator runs it, against SQLite and (when
//! `TEST_POSTGRES_URL` is set) Postgres.

mod accounts;
mod audit;
mod case;
mod check;
mod config;
mod confirm_empty;
mod exports;
mod first_hour;
mod hooks;
mod import_limits;
mod steering;
mod support;
mod tokens_ack_setting;
