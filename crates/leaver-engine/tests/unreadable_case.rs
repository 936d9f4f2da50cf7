//! A case whose stored row no reader can decode (a time out of range, written before input was
//! checked) must not stop the other cases claimed in the same batch: they are planned, and its
//! own job waits with the reason, for an operator.

mod support;

use leaver_core::CaseState;
use leaver_store::Store;
use sqlx::Row;
use support::*;

/// 10000-01-02T00:00:00Z in Unix milliseconds: beyond what `time` can represent.
const YEAR_10000_MS: i64 = 253_402_387_200_000;

#[tokio::test]
async fn one_unreadable_case_does_not_hold_back_its_batch() {
    for world in World::all(world()).await {
        let bad = world.open("HR-1", "bob", Some("carol")).await;
        let good = world.open("HR-2", "carol", None).await;
        sqlx::query("UPDATE offboarding_case SET effective_at = $1 WHERE case_id = $2")
            .bind(YEAR_10000_MS)
            .bind(bad.to_string())
            .execute(world.store.pool())
            .await
            .expect("poison");

        let taken = world.engine.run_once().await.expect("the batch runs");
        assert_eq!(taken, 2, "both plan jobs were claimed in one batch");

        let planned = world.store.case(good).await.expect("the good case");
        assert_eq!(planned.state, CaseState::AwaitingApproval);
        assert!(!planned.steps.is_empty());

        let row = sqlx::query("SELECT last_error, locked_by FROM job WHERE case_id = $1")
            .bind(bad.to_string())
            .fetch_one(world.store.pool())
            .await
            .expect("the unreadable case's job is kept");
        let error: Option<String> = row.try_get("last_error").expect("last_error");
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("cannot be read")),
            "{error:?}"
        );
        let locked: Option<String> = row.try_get("locked_by").expect("locked_by");
        assert_eq!(locked, None, "the job is back in the queue, for later");
    }
}
