//! `leaver case update|skip|reask`: HR's changes and an operator's steering from the command
//! line, bad flags named with nothing changed.

use crate::support::*;
use leaver_core::{CaseId, StepKind, StepState};

#[tokio::test]
async fn case_update_names_each_bad_flag_changes_nothing_then_records_what_changed() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let id = last_line(&env.leaver(BOB));
        let case: CaseId = id.parse().expect("id");
        let before = env.app.case(case).await.expect("case");
        let audit_before = env.count("audit_event").await;

        let bad = env.leaver(&[
            "case",
            "update",
            &id,
            "--effective-at",
            "12/31/2026 tea time",
            "--successor",
            "bob",
            "--manager",
            "bob@acme.test",
        ]);
        assert!(!bad.status.success());
        let err = stderr(&bad);
        for flag in ["--effective-at:", "--manager:", "--successor:"] {
            assert!(err.contains(flag), "{flag} in {err}");
        }
        assert_eq!(env.app.case(case).await.expect("case"), before);
        assert_eq!(env.count("audit_event").await, audit_before);

        let nothing = env.leaver(&["case", "update", &id]);
        assert!(!nothing.status.success());
        assert!(
            stderr(&nothing).contains("nothing to change"),
            "{}",
            stderr(&nothing)
        );

        let good = env.leaver(&[
            "case",
            "update",
            &id,
            "--effective-at",
            "2031-01-15T09:00:00+01:00",
            "--reason",
            "last day moved",
        ]);
        assert!(good.status.success(), "{}", stderr(&good));
        let after = env.app.case(case).await.expect("case");
        assert_eq!(
            after.effective_at.map(|t| t.unix_timestamp()),
            Some(1_926_230_400)
        );
        assert_eq!(after.reason.as_deref(), Some("last day moved"));
        let (_, trail) = env.app.case_with_trail(case).await.expect("trail");
        let update = trail
            .iter()
            .find(|r| r.kind == "ticket_updated")
            .expect("audited");
        assert_eq!(update.actor, "cli");
        let changes = update.data["event"]["changes"].to_string();
        assert!(
            changes.contains("\"from\":null") && changes.contains("last day moved"),
            "{changes}"
        );
    }
}

#[tokio::test]
async fn case_skip_needs_a_reason_and_case_reask_needs_a_rejected_step() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let id = last_line(&env.leaver(BOB));
        let case: CaseId = id.parse().expect("id");
        env.run_pending_jobs().await;
        let planned = env.app.case(case).await.expect("case");
        let tokens = planned
            .steps
            .iter()
            .find(|s| s.kind == StepKind::FlagTokens)
            .expect("a flag_tokens step");
        let step = tokens.id.to_string();

        let blank = env.leaver(&["case", "skip", &id, "--step", &step, "--reason", " "]);
        assert!(!blank.status.success());
        assert!(stderr(&blank).contains("--reason"), "{}", stderr(&blank));
        assert_eq!(env.app.case(case).await.expect("case"), planned);

        let verify = planned
            .steps
            .iter()
            .find(|s| s.kind == StepKind::Verify)
            .expect("verify")
            .id
            .to_string();
        let read = env.leaver(&["case", "skip", &id, "--step", &verify, "--reason", "hurry"]);
        assert!(!read.status.success());
        assert!(
            stderr(&read).contains("read of the Hub"),
            "{}",
            stderr(&read)
        );

        let skipped = env.leaver(&[
            "case",
            "skip",
            &id,
            "--step",
            &step,
            "--reason",
            "tokens handled by security",
        ]);
        assert!(skipped.status.success(), "{}", stderr(&skipped));
        let after = env.app.case(case).await.expect("case");
        let step = after.step(tokens.id).expect("step");
        assert_eq!(step.state, StepState::Skipped);
        assert_eq!(
            step.note.as_deref(),
            Some("skipped by an operator: tokens handled by security")
        );

        let reask = env.leaver(&["case", "reask", &id]);
        assert!(!reask.status.success());
        assert!(
            stderr(&reask).contains("no rejected step"),
            "{}",
            stderr(&reask)
        );
    }
}
