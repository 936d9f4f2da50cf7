//! Ticket text is data: a name or reason that looks like a template placeholder, or like the
//! slots queued emails once kept for their link's secret, reaches the approver as written, and
//! the link's secret appears only in the real links (emails are rendered when sent, with the
//! secret in the link and nothing substituted into text).

use crate::support::{MANAGER, Options, apps};
use leaver_core::{CaseId, Ticket, TicketInput};
use leaver_store::{Actor, Store};

/// Every shape of placeholder Leaver ever used: `{{approval_token}}`, the queued slot `\s` and
/// its escape `\\`, and the prefix of a rendering's marker.
const NAME: &str = r"Bob {{approval_token}} \s \\s \ link-secret-0123";
const REASON: &str = r"moved to https://evil.test/?t={{approval_token}}&u=\s";

#[tokio::test]
async fn placeholders_in_ticket_text_reach_the_email_literally_and_never_become_the_secret() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        let ticket = Ticket::parse(&TicketInput {
            external_id: Some("HR-77".into()),
            email: Some("bob@acme.test".into()),
            name: Some(NAME.into()),
            hub_username: Some("bob".into()),
            manager_email: Some(MANAGER.into()),
            reason: Some(REASON.into()),
            ..TicketInput::default()
        })
        .expect("ticket");
        app.store
            .open_case(&ticket, CaseId::random(), &Actor::cli(), app.now())
            .await
            .expect("open");
        app.deliver().await;

        let link = app.link_for(MANAGER, "bob");
        let mails = app.mails_to(MANAGER);
        assert_eq!(mails.len(), 1, "{backend:?}");
        let mail = &mails[0];
        assert!(mail.subject.contains(NAME), "{backend:?}: {}", mail.subject);
        for (part, body) in [("text", &mail.text), ("html", &mail.html)] {
            let body = body.replace("&amp;", "&").replace("&#38;", "&");
            assert!(body.contains(NAME), "{backend:?} {part}: {body}");
            assert!(body.contains(REASON), "{backend:?} {part}: {body}");
            let real_link = format!("/approvals/{}", link.token);
            assert!(body.contains(&real_link), "{backend:?} {part}: {body}");
            let elsewhere = body.replace(&real_link, "/approvals/LINK");
            assert!(
                !elsewhere.contains(&link.token),
                "{backend:?} {part}: the secret outside its links: {body}"
            );
            assert_eq!(
                body.matches("link-secret-").count(),
                body.matches(NAME).count(),
                "{backend:?} {part}: no rendering marker left over: {body}"
            );
        }
    }
}
