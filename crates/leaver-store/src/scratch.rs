//! Fresh, migrated stores for tests across the workspace: a SQLite file in a temporary folder
//! always, and a new Postgres database when `TEST_POSTGRES_URL` is set; and a valid ticket to
//! open cases with.

use crate::connect;
use crate::{Dialect, SqlStore, Store, StoreError};
use leaver_core::{Ticket, TicketInput};
use std::path::Path;

/// A migrated SQLite store in `dir`.
pub async fn sqlite(dir: &Path) -> Result<(SqlStore, String), StoreError> {
    let url = format!(
        "sqlite://{}",
        dir.join(format!("leaver-{}.db", uuid::Uuid::new_v4()))
            .display()
    );
    let store = connect(&url).await?;
    store.migrate().await?;
    Ok((store, url))
}

/// A migrated store on a brand-new Postgres database, if `TEST_POSTGRES_URL` names a server.
/// Returns the store and the new database's URL (for a server process under test).
pub async fn postgres() -> Result<Option<(SqlStore, String)>, StoreError> {
    let Ok(admin_url) = std::env::var("TEST_POSTGRES_URL") else {
        return Ok(None);
    };
    let admin = connect(&admin_url).await?;
    let name = format!("leaver_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(admin.pool())
        .await?;
    admin.pool().close().await;
    let base = admin_url.split('?').next().unwrap_or(&admin_url);
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    let url = format!("{server}/{name}");
    let store = connect(&url).await?;
    store.migrate().await?;
    Ok(Some((store, url)))
}

/// Every store the environment offers: SQLite, and Postgres when configured.
pub async fn all(dir: &Path) -> Result<Vec<(SqlStore, String)>, StoreError> {
    let mut stores = vec![sqlite(dir).await?];
    stores.extend(postgres().await?);
    Ok(stores)
}

/// How many rows `table` holds, read around the store (tests assert that nothing was written).
pub async fn count_rows(store: &SqlStore, table: &str) -> Result<i64, StoreError> {
    use sqlx::Row;
    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM {table}"));
    let row = sqlx::query(sql).fetch_one(store.pool()).await?;
    Ok(row.try_get("n")?)
}

/// Makes the database refuse every `op` (`INSERT`, `UPDATE` or `DELETE`) on `table`, as a full
/// disk or a lost connection would, until [`allow`] lifts it: for tests of what a failed write
/// leaves behind (a trigger raising an error).
pub async fn refuse(store: &SqlStore, op: &str, table: &str) -> Result<(), StoreError> {
    let name = refusal_name(op, table);
    let statements = match store.dialect() {
        Dialect::Sqlite => vec![format!(
            "CREATE TRIGGER {name} BEFORE {op} ON {table}
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )],
        Dialect::Postgres => vec![
            "CREATE OR REPLACE FUNCTION refused_by_the_test() RETURNS trigger LANGUAGE plpgsql
             AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
                .to_owned(),
            format!(
                "CREATE TRIGGER {name} BEFORE {op} ON {table}
                 FOR EACH ROW EXECUTE FUNCTION refused_by_the_test()"
            ),
        ],
    };
    for statement in statements {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(store.pool())
            .await?;
    }
    Ok(())
}

/// Lifts a [`refuse`].
pub async fn allow(store: &SqlStore, op: &str, table: &str) -> Result<(), StoreError> {
    let name = refusal_name(op, table);
    let statement = match store.dialect() {
        Dialect::Sqlite => format!("DROP TRIGGER {name}"),
        Dialect::Postgres => format!("DROP TRIGGER {name} ON {table}"),
    };
    sqlx::query(sqlx::AssertSqlSafe(statement))
        .execute(store.pool())
        .await?;
    Ok(())
}

fn refusal_name(op: &str, table: &str) -> String {
    format!("refuse_{}_{table}", op.to_lowercase())
}

/// A valid ticket for `user` (`{user}@acme.test`, Hub username `user`, manager
/// `carol@acme.test`) under `external_id`.
pub fn ticket(external_id: &str, user: &str) -> Ticket {
    Ticket::parse(&TicketInput {
        external_id: Some(external_id.into()),
        email: Some(format!("{user}@acme.test")),
        hub_username: Some(user.into()),
        manager_email: Some("carol@acme.test".into()),
        ..TicketInput::default()
    })
    .expect("valid ticket")
}
