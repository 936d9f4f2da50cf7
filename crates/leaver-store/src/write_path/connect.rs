//! Opening a store from a URL, with the connection settings each database needs. A new SQLite
//! file is created readable by its owner only (0600) before SQLite opens it; SQLite gives its
//! `-wal` and `-shm` files the database file's mode.

use crate::{Dialect, SqlStore, StoreError};
use sqlx::Executor;
use sqlx::any::AnyPoolOptions;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Connects to `url` (`sqlite://path/to/leaver.db` or `postgres://...`). The SQLite file is
/// created if missing. Does not migrate: call [`crate::Store::migrate`].
pub async fn connect(url: &str) -> Result<SqlStore, StoreError> {
    sqlx::any::install_default_drivers();
    let dialect = Dialect::from_url(url).ok_or_else(|| StoreError::UnsupportedUrl(redact(url)))?;
    let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
    match dialect {
        Dialect::Sqlite => {
            if let Some(path) = sqlite_file(url) {
                create_private(&path).map_err(sqlx::Error::Io)?;
            }
            let url = sqlite_url(url);
            let pool = sqlite_pool(options.clone().max_connections(4), &url, READER_CACHE).await?;
            if url.contains(":memory:") {
                // Every connection to `:memory:` is a database of its own: one pool only.
                return Ok(SqlStore::new(pool, dialect));
            }
            // WAL lets the readers run beside one writer; writes get a connection of their
            // own so that they queue in order (see `SqlStore`).
            let writer = sqlite_pool(options.max_connections(1), &url, WRITER_CACHE).await?;
            Ok(SqlStore::with_writer(pool, writer, dialect).with_checkpointer())
        }
        Dialect::Postgres => Ok(SqlStore::new(postgres_pool(options, url).await?, dialect)),
    }
}

/// Page cache of the one writing connection, in KiB: it holds the indexes every batch touches.
const WRITER_CACHE: u32 = 32 * 1024;
/// Page cache of each reading connection, in KiB.
const READER_CACHE: u32 = 8 * 1024;

/// A pool of SQLite connections with the settings every connection needs.
async fn sqlite_pool(
    options: AnyPoolOptions,
    url: &str,
    cache_kib: u32,
) -> Result<sqlx::AnyPool, StoreError> {
    let pool = options
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // WAL lets readers run beside the one writer; NORMAL sync is durable in WAL
                // up to the last checkpoint; busy_timeout makes writers queue, not fail.
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                conn.execute("PRAGMA busy_timeout = 30000").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                // Commits never checkpoint: a task does (see `crate::write_path::checkpoint`). The log file
                // is cut back to 64 MiB whenever it starts over.
                conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
                conn.execute("PRAGMA journal_size_limit = 67108864").await?;
                conn.execute(sqlx::AssertSqlSafe(format!(
                    "PRAGMA cache_size = -{cache_kib}"
                )))
                .await?;
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(pool)
}

/// A pool of Postgres connections. Statements are planned for their parameters each time
/// (`force_custom_plan`): a plan cached while the tables were nearly empty (a sequential scan of
/// `step`, say) would otherwise stay in use long after they have grown.
async fn postgres_pool(options: AnyPoolOptions, url: &str) -> Result<sqlx::AnyPool, StoreError> {
    let pool = options
        .max_connections(16)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("SET plan_cache_mode = force_custom_plan")
                    .await?;
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(pool)
}

/// Adds `mode=rwc` so that a missing SQLite file is created.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The file a SQLite URL names, when SQLite would create it (no `mode=`, not in memory).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    if url.contains("mode=") || url.contains(":memory:") {
        return None;
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty()).then(|| PathBuf::from(path))
}

/// Creates `path` empty, for its owner only, unless it exists (its mode is then left alone).
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

/// The URL without its password, for error messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_error_messages() {
        assert_eq!(
            redact("postgres://leaver:s3cret@db/leaver"),
            "postgres://leaver:***@db/leaver"
        );
        assert_eq!(redact("sqlite://leaver.db"), "sqlite://leaver.db");
    }

    #[test]
    fn the_sqlite_file_is_the_url_s_path() {
        assert_eq!(
            sqlite_file("sqlite://a/b.db"),
            Some(PathBuf::from("a/b.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:b.db?cache=shared"),
            Some(PathBuf::from("b.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("sqlite://b.db?mode=ro"), None);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_new_database_and_its_log_are_for_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("leaver.db");
        let store = connect(&format!("sqlite://{}", db.display()))
            .await
            .expect("connect");
        crate::Store::migrate(&store).await.expect("migrate");
        for suffix in ["", "-wal", "-shm"] {
            let file = format!("{}{suffix}", db.display());
            let mode = std::fs::metadata(&file).expect(&file).permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }

    #[test]
    fn sqlite_files_are_created_when_missing() {
        assert_eq!(sqlite_url("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(sqlite_url("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
    }
}
