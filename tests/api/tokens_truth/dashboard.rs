//! The dashboard's "needs attention" table lists every case the card counts, with why: a
//! blocked case with its reason, a rejected step with the approver's reason.

use super::{MANAGER, case, links_in, open, texts_to, token_apps};
use crate::support::csrf_in;
use leaver_core::CaseState;
use reqwest::StatusCode;

#[tokio::test]
async fn needs_attention_lists_a_blocked_case_with_its_reason_and_a_rejected_one_with_the_approvers_reason()
 {
    let (_dir, apps) = token_apps(false).await;
    for app in apps {
        // dave is acme-ai's last human admin and no successor is named: blocked.
        let blocked = open(&app, "HR-D1", "dave").await;
        let rejected = open(&app, "HR-D2", "carol").await;
        app.run_pending_jobs().await;
        let blocked_case = case(&app, blocked).await;
        assert_eq!(blocked_case.state, CaseState::NeedsAttention);
        let reason = blocked_case.blocked_reason.clone().expect("blocked");
        assert!(
            blocked_case.steps.iter().all(|s| s.error.is_none()),
            "no failed step"
        );

        let text = texts_to(&app, MANAGER)
            .into_iter()
            .find(|t| t.contains("carol"))
            .expect("carol's approval email");
        let path = links_in(&text)[0].clone();
        let page = app.get(&path, None).await;
        let key = csrf_in(&page.body);
        let fields = [
            ("csrf", key.as_str()),
            ("decision", "reject"),
            ("reason", "carol stays on as a contractor"),
        ];
        let decided = app.post_form(&path, None, Some(&app.url), &fields).await;
        assert!(decided.status.is_redirection() || decided.status.is_success());
        app.run_pending_jobs().await;
        assert_eq!(case(&app, rejected).await.state, CaseState::NeedsAttention);

        let session = app.login().await;
        let dashboard = app.get("/", Some(&session)).await;
        assert_eq!(dashboard.status, StatusCode::OK);
        let table = dashboard
            .body
            .split("id=\"needs-attention\"")
            .nth(1)
            .and_then(|rest| rest.split("</table>").next())
            .expect("the needs attention table")
            .to_owned();
        assert!(table.contains("HR-D1"), "{table}");
        let shown_reason = reason.replace('\'', "&#x27;").replace('"', "&quot;");
        let first_words: String = shown_reason.chars().take(30).collect();
        assert!(table.contains(&first_words), "{first_words} in {table}");
        assert!(table.contains("HR-D2"), "{table}");
        assert!(
            table.contains("rejected: carol stays on as a contractor"),
            "{table}"
        );

        let shown = app.leaver(&["case", "show", &rejected.to_string()], "");
        assert!(
            crate::support::stdout(&shown)
                .contains("rejected because: carol stays on as a contractor"),
            "{}",
            crate::support::stdout(&shown)
        );
    }
}
