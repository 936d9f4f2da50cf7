//! Nobody approves their own offboarding: whatever the policy says, the leaver is never given a
//! link, not in the security group, not as escalation target. (A ticket naming the leaver as their
//! own manager, however spelt, is refused before any case exists: `leaver_core::ticket` tests.)

use crate::support::{HOUR, Options, apps, emails};
use leaver_store::Store;
use leaver_store::approvals::ApprovalStore;

#[tokio::test]
async fn nobody_is_ever_sent_a_link_to_approve_their_own_offboarding() {
    // The leaver (bob@acme.test) is everywhere, spelt as people spell addresses.
    let security = emails(&["bob@acme.test", "Bob@acme.test", "sec@acme.test"]);
    let escalate_to = emails(&["BOB@acme.test", "ciso@acme.test"]);
    let options = Options {
        security,
        escalate_to,
        manual_clock: true,
        ..Options::default()
    };
    let (_dir, apps) = apps(options).await;
    for app in &apps {
        let backend = app.backend;
        let is_leaver = |address: &str| address.eq_ignore_ascii_case("bob@acme.test");
        let case = app.open("HR-1", "bob").await;
        app.deliver().await;
        app.advance(49 * HOUR);
        app.deliver().await;

        let links = app.store.links_of(case).await.expect("links");
        let approvers: Vec<&str> = links.iter().map(|l| l.approver.as_str()).collect();
        assert!(
            !approvers.iter().any(|a| is_leaver(a)),
            "{backend:?}: {approvers:?}"
        );
        assert!(
            approvers.contains(&"sec@acme.test"),
            "{backend:?}: {approvers:?}"
        );
        assert!(
            approvers.contains(&"ciso@acme.test"),
            "{backend:?}: the escalation target is asked: {approvers:?}"
        );
        let mails = app.mails();
        assert!(!mails.is_empty(), "{backend:?}");
        let recipients: Vec<&String> = mails.iter().flat_map(|m| &m.to).collect();
        assert!(
            !recipients.iter().any(|r| is_leaver(r)),
            "{backend:?}: {recipients:?}"
        );
        assert!(
            app.audited(case, "approval_escalated").await > 0,
            "{backend:?}: escalation ran"
        );
    }
}

#[tokio::test]
async fn a_rule_whose_only_approver_is_the_leaver_asks_nobody_and_tells_the_operator() {
    // Security is bob alone, and there is no escalation target to fall back on.
    let options = Options {
        security: emails(&["bob@acme.test"]),
        manual_clock: true,
        ..Options::default()
    };
    let (_dir, apps) = apps(options).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open("HR-1", "bob").await;
        app.deliver().await;

        let links = app.store.links_of(case).await.expect("links");
        assert!(
            links
                .iter()
                .all(|l| !l.approver.eq_ignore_ascii_case("bob@acme.test")),
            "{backend:?}: {links:?}"
        );
        let trail = app.store.audit_events(Some(case)).await.expect("trail");
        let notices: Vec<&str> = trail
            .iter()
            .filter(|r| r.kind == "operator_notified")
            .filter_map(|r| r.data["rule"].as_str())
            .collect();
        assert_eq!(notices, ["security"], "{backend:?}: the operator is told");
    }
}
