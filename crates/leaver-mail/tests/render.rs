//! Rendered emails: snapshots of every email type, plus the escaping rules (HTML escaped, text
//! verbatim) and the parts each email must contain.

#![expect(clippy::unwrap_used, reason = "tests")]

mod common;

use leaver_mail::{RenderEmail, StepLine};

#[test]
fn the_approval_request_renders_as_in_its_snapshot() {
    let email = common::approval_request().render().unwrap();
    insta::assert_snapshot!("approval_request_subject", email.subject);
    insta::assert_snapshot!("approval_request_text", email.text);
    insta::assert_snapshot!("approval_request_html", email.html);
}

#[test]
fn the_approval_reminder_renders_as_in_its_snapshot() {
    let email = common::approval_reminder().render().unwrap();
    insta::assert_snapshot!("approval_reminder_subject", email.subject);
    insta::assert_snapshot!("approval_reminder_text", email.text);
    insta::assert_snapshot!("approval_reminder_html", email.html);
}

#[test]
fn the_approval_escalation_renders_as_in_its_snapshot() {
    let email = common::approval_escalation().render().unwrap();
    insta::assert_snapshot!("approval_escalation_subject", email.subject);
    insta::assert_snapshot!("approval_escalation_text", email.text);
    insta::assert_snapshot!("approval_escalation_html", email.html);
}

#[test]
fn the_fresh_link_renders_as_in_its_snapshot() {
    let email = common::fresh_link().render().unwrap();
    insta::assert_snapshot!("fresh_link_subject", email.subject);
    insta::assert_snapshot!("fresh_link_text", email.text);
    insta::assert_snapshot!("fresh_link_html", email.html);
}

#[test]
fn the_operator_notice_renders_as_in_its_snapshot() {
    let email = common::operator_notice().render().unwrap();
    insta::assert_snapshot!("operator_notice_subject", email.subject);
    insta::assert_snapshot!("operator_notice_text", email.text);
    insta::assert_snapshot!("operator_notice_html", email.html);
}

#[test]
fn the_operator_digest_renders_as_in_its_snapshot() {
    let email = common::operator_digest().render().unwrap();
    insta::assert_snapshot!("operator_digest_subject", email.subject);
    insta::assert_snapshot!("operator_digest_text", email.text);
    insta::assert_snapshot!("operator_digest_html", email.html);
}

#[test]
fn a_script_tag_in_the_leaver_name_is_escaped_in_html_and_verbatim_in_text() {
    let mut request = common::approval_request();
    request.leaver_name = Some("<script>alert('x')</script>".to_owned());
    request.steps[0].description = "Remove <b>bob</b> & co".to_owned();

    let email = request.render().unwrap();

    assert!(!email.html.contains("<script>"), "{}", email.html);
    assert!(
        email
            .html
            .contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;")
    );
    assert!(
        email
            .html
            .contains("Remove &#60;b&#62;bob&#60;/b&#62; &#38; co")
    );
    assert!(email.text.contains("<script>alert('x')</script>"));
    assert!(email.text.contains("Remove <b>bob</b> & co"));
    assert!(email.subject.contains("<script>alert('x')</script> (bob)"));
}

#[test]
fn operator_notice_details_are_escaped_and_keep_their_line_breaks_in_html() {
    let mut notice = common::operator_notice();
    notice.details = vec!["line one <script>\nline two".to_owned()];

    let email = notice.render().unwrap();

    assert!(
        email
            .html
            .contains("line one &#60;script&#62;<br/>line two")
    );
    assert!(email.text.contains("line one <script>\nline two"));
}

#[test]
fn every_approval_email_carries_the_approve_reject_and_view_links_in_both_parts() {
    let reminder = common::approval_reminder();
    let escalation = common::approval_escalation();
    let cases = [
        (
            common::approval_request().render().unwrap(),
            common::approval_request(),
        ),
        (reminder.render().unwrap(), reminder.request.clone()),
        (escalation.render().unwrap(), escalation.request.clone()),
    ];
    for (email, request) in cases {
        assert_eq!(email.to, request.to);
        let links = [request.approve_url, request.reject_url, request.view_url];
        assert_eq!(common::text_urls(&email.text), links, "{}", email.subject);
        assert_eq!(common::hrefs(&email.html), links, "{}", email.subject);
    }
}

#[test]
fn the_approval_request_says_who_leaves_what_is_removed_where_and_when() {
    let email = common::approval_request().render().unwrap();

    for part in [&email.text, &email.html] {
        assert!(part.contains("Hello Carol,"));
        assert!(part.contains("Remove bob from acme-ai"));
        assert!(part.contains("Where: acme-ai/llama-ft. How: reject the gated-access request."));
        assert!(part.contains("1 December 2026, 17:00 UTC"));
        assert!(part.contains("resignation"));
        assert!(part.contains("expire at 8 December 2026, 17:00 UTC"));
        assert!(part.contains("nothing happens until you press"));
    }
    assert!(
        email
            .text
            .contains("Who leaves:  Bob B <bob@acme.test>, Hub user \"bob\"")
    );
}

#[test]
fn an_approval_request_without_optional_fields_reads_naturally() {
    let mut request = common::approval_request();
    request.approver_name = None;
    request.reason = None;
    request.effective_at = None;
    request.leaver_name = Some("   ".to_owned());
    request.steps.clear();

    let email = request.render().unwrap();

    assert!(email.text.starts_with("Hello,\n"));
    assert!(!email.text.contains("Reason:"));
    assert!(!email.html.contains(">Reason<"));
    assert!(
        email
            .text
            .contains("When:        as soon as it is approved\n")
    );
    assert!(email.text.contains("What will be removed:\n  (no steps)\n"));
    assert_eq!(
        email.subject,
        "Approval needed: offboarding bob@acme.test (bob) from Hugging Face"
    );
}

#[test]
fn the_reminder_and_escalation_say_why_they_were_sent() {
    let reminder = common::approval_reminder().render().unwrap();
    let escalation = common::approval_escalation().render().unwrap();

    assert!(reminder.subject.starts_with("Reminder: "));
    assert!(reminder.text.contains("This is reminder 2:"));
    assert!(reminder.html.contains("This is reminder 2:"));
    assert_eq!(escalation.to, "security@acme.test");
    assert!(escalation.text.contains("Hello Security team,"));
    assert!(
        escalation
            .text
            .contains("escalated to you: Carol <carol@acme.test> has not")
    );
    assert!(
        escalation
            .html
            .contains("Why: Carol &#60;carol@acme.test&#62; has not")
    );
}

#[test]
fn a_multi_line_headline_still_makes_a_one_line_subject() {
    let mut notice = common::operator_notice();
    notice.headline = "Token expired\r\n  Bcc: evil@example.test".to_owned();

    let email = notice.render().unwrap();

    assert_eq!(
        email.subject,
        "Leaver needs you: Token expired Bcc: evil@example.test"
    );
    assert!(email.text.ends_with("sent automatically.\n"));
}

#[test]
fn the_fresh_link_carries_the_new_links_and_expiry() {
    let link = common::fresh_link();
    let email = link.render().unwrap();

    assert_eq!(
        common::text_urls(&email.text),
        [link.approve_url.clone(), link.view_url.clone()]
    );
    assert_eq!(
        common::hrefs(&email.html),
        [link.approve_url.clone(), link.view_url.clone()]
    );
    assert!(
        email
            .text
            .contains("expires at 15 December 2026, 17:00 UTC")
    );
    assert!(email.text.contains("had expired"));
}

#[test]
fn an_approval_request_round_trips_through_json_for_the_outbox() {
    let request = common::approval_request();
    let json = serde_json::to_string(&request).unwrap();
    let back: leaver_mail::ApprovalRequest = serde_json::from_str(&json).unwrap();
    assert_eq!(back, request);
    let step: StepLine =
        serde_json::from_str(&serde_json::to_string(&back.steps[0]).unwrap()).unwrap();
    assert_eq!(step.description, "Remove bob from acme-ai");
}
