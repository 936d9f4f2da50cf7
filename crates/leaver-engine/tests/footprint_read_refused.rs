//! A failure keeping a verify's footprint read loses nothing: while the database refuses every
//! new `footprint_read`, the verify's outcome is not written (the case is not `completed`, no
//! pass is kept) and its job stays to run again; once the database takes writes again, the
//! retried verify completes the case with one pass and its reads.

mod support;

use leaver_core::{CaseState, StepKind, StepState};
use leaver_store::{Store, scratch};
use support::*;

#[tokio::test]
async fn a_refused_footprint_read_leaves_the_verify_to_run_again_and_the_case_not_completed() {
    for world in World::all(world()).await {
        scratch::refuse(&world.store, "INSERT", "footprint_read")
            .await
            .expect("refusal");
        let case = world.offboard("HR-1", "bob", Some("carol")).await;

        let stuck = world.store.case(case).await.expect("case");
        assert_ne!(stuck.state, CaseState::Completed, "{:?}", stuck.steps);
        let verify = stuck
            .steps
            .iter()
            .find(|s| s.kind == StepKind::Verify)
            .expect("a verify step");
        assert_ne!(verify.state, StepState::Succeeded, "{verify:?}");
        assert_eq!(count(&world.store, "footprint_read").await, 0);
        assert_eq!(count(&world.store, "footprint_pass").await, 0);
        assert!(
            count(&world.store, "job").await > 0,
            "the verify's job stays, to run again"
        );

        scratch::allow(&world.store, "INSERT", "footprint_read")
            .await
            .expect("refusal lifted");
        world.settle().await;
        let done = world.store.case(case).await.expect("case");
        assert_eq!(done.state, CaseState::Completed, "{:?}", done.steps);
        assert_eq!(count(&world.store, "footprint_pass").await, 1);
        assert_eq!(
            count(&world.store, "footprint_read").await,
            2,
            "one read per managed org"
        );
    }
}
