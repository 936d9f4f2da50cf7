//! The write path's machinery, shared by every aggregate, so that commits (not Hub calls) stop
//! bounding how fast Leaver goes:
//! - [`connect`]: one writer. SQLite has a single writing connection (writers queue in the pool,
//!   not on `SQLITE_BUSY`); Postgres has a pool; both with the settings each needs.
//! - [`checkpoint`]: SQLite's log is copied back by a task on a reading connection, never by a
//!   commit.
//! - [`group_commit`]: decisions that arrive while a batch is being written go together in the
//!   next transaction.
//! - [`multi_row`]: one statement for many rows.
//! - [`dialect`]: the few places where SQLite and Postgres SQL differ.

pub(crate) mod checkpoint;
pub(crate) mod connect;
pub(crate) mod dialect;
pub(crate) mod group_commit;
pub(crate) mod multi_row;
