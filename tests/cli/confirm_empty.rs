//! `leaver case confirm-empty <ID>`: a leaver Leaver finds in no managed org waits in
//! `needs_attention` until an operator confirms; the command lets the plan go ahead, once.

use crate::support::{envs, stderr, stdout};
use leaver_app::model::{Actor, CaseState, TicketInput};
use leaver_store::Store;

#[tokio::test]
async fn confirm_empty_lets_a_case_holding_nothing_go_ahead_once() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let ticket = TicketInput {
            external_id: Some("HR-1".into()),
            email: Some("bob@acme.test".into()),
            hub_username: Some("bob".into()),
            manager_email: Some("carol@acme.test".into()),
            ..TicketInput::default()
        };
        let id = env
            .app
            .open_case(&ticket, &Actor::cli())
            .await
            .expect("opened")
            .case
            .id;
        env.run_pending_jobs().await;
        let blocked = env.store.case(id).await.expect("case");
        assert_eq!(blocked.state, CaseState::NeedsAttention);
        assert!(
            blocked
                .blocked_reason
                .as_deref()
                .is_some_and(|r| r.starts_with("bob holds nothing Leaver can see")),
            "{:?}",
            blocked.blocked_reason
        );

        let confirmed = env.leaver(&["case", "confirm-empty", &id.to_string()]);
        assert!(confirmed.status.success(), "{}", stderr(&confirmed));
        assert!(
            stdout(&confirmed).contains("awaiting_approval"),
            "{}",
            stdout(&confirmed)
        );
        assert_eq!(
            env.store.case(id).await.expect("case").state,
            CaseState::AwaitingApproval
        );

        let again = env.leaver(&["case", "confirm-empty", &id.to_string()]);
        assert!(!again.status.success());
        assert!(
            stderr(&again).contains("cannot be confirmed as holding nothing"),
            "{}",
            stderr(&again)
        );
    }
}
