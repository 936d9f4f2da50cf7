//! Fixtures shared by the integration tests: sample view models and MIME helpers.

#![allow(dead_code, reason = "each test crate uses a different subset")]

use leaver_mail::{
    ApprovalEscalation, ApprovalReminder, ApprovalRequest, FreshLink, NoticeLine, OperatorDigest,
    OperatorNotice, StepLine,
};

/// A request from HR to Carol about Bob leaving acme-ai.
pub fn approval_request() -> ApprovalRequest {
    ApprovalRequest {
        to: "Carol C <carol@acme.test>".to_owned(),
        approver_name: Some("Carol".to_owned()),
        leaver_name: Some("Bob B".to_owned()),
        leaver_email: "bob@acme.test".to_owned(),
        hub_username: "bob".to_owned(),
        reason: Some("resignation".to_owned()),
        effective_at: Some("1 December 2026, 17:00 UTC".to_owned()),
        steps: vec![
            StepLine {
                description: "Remove bob from acme-ai".to_owned(),
                target: "acme-ai".to_owned(),
                strategy: "remove the membership".to_owned(),
            },
            StepLine {
                description: "Revoke bob's access to acme-ai/llama-ft".to_owned(),
                target: "acme-ai/llama-ft".to_owned(),
                strategy: "reject the gated-access request".to_owned(),
            },
        ],
        approve_url: "https://leaver.acme.test/approvals/tok_approve123?decision=approve"
            .to_owned(),
        reject_url: "https://leaver.acme.test/approvals/tok_approve123?decision=reject".to_owned(),
        view_url: "https://leaver.acme.test/approvals/tok_approve123".to_owned(),
        expires_at: "8 December 2026, 17:00 UTC".to_owned(),
        requested_by: "HR (ticket HR-1042)".to_owned(),
    }
}

pub fn approval_reminder() -> ApprovalReminder {
    ApprovalReminder {
        request: approval_request(),
        reminder: 2,
    }
}

pub fn approval_escalation() -> ApprovalEscalation {
    let mut request = approval_request();
    request.to = "security@acme.test".to_owned();
    request.approver_name = Some("Security team".to_owned());
    request.approve_url = "https://leaver.acme.test/approvals/tok_sec456?decision=approve".into();
    request.reject_url = "https://leaver.acme.test/approvals/tok_sec456?decision=reject".into();
    request.view_url = "https://leaver.acme.test/approvals/tok_sec456".into();
    ApprovalEscalation {
        request,
        escalated_because: "Carol <carol@acme.test> has not decided for 3 days.".to_owned(),
    }
}

pub fn fresh_link() -> FreshLink {
    FreshLink {
        to: "carol@acme.test".to_owned(),
        approver_name: None,
        leaver_name: None,
        leaver_email: "bob@acme.test".to_owned(),
        hub_username: "bob".to_owned(),
        approve_url: "https://leaver.acme.test/approvals/tok_new789?decision=approve".to_owned(),
        view_url: "https://leaver.acme.test/approvals/tok_new789".to_owned(),
        expires_at: "15 December 2026, 17:00 UTC".to_owned(),
    }
}

pub fn operator_notice() -> OperatorNotice {
    OperatorNotice {
        to: "ops@acme.test".to_owned(),
        case_url: "https://leaver.acme.test/cases/0f3c".to_owned(),
        leaver: "Bob B <bob@acme.test> (Hub user bob)".to_owned(),
        headline: "Removing bob from acme-ai needs a person".to_owned(),
        details: vec![
            "acme-ai uses managed SCIM: the account must be removed in your identity provider."
                .to_owned(),
            "Steps:\n1. Open the identity provider.\n2. Unassign bob from the Hugging Face app."
                .to_owned(),
        ],
    }
}

pub fn operator_digest() -> OperatorDigest {
    let line = |case: &str, leaver: &str, headline: &str| NoticeLine {
        case_url: format!("https://leaver.acme.test/cases/{case}"),
        leaver: leaver.to_owned(),
        headline: headline.to_owned(),
    };
    OperatorDigest {
        to: "ops@acme.test, oncall@acme.test".to_owned(),
        notices: vec![
            line(
                "0f3c",
                "Bob B <bob@acme.test> (Hub user bob)",
                "step remove_member on org:acme-ai is failed",
            ),
            line(
                "7a21",
                "frank@acme.test (Hub user frank)",
                "step strip_access on org:acme-ai is rejected",
            ),
        ],
        cases_url: "https://leaver.acme.test/cases?state=needs_attention".to_owned(),
    }
}

/// Every `href="..."` of an HTML part, with `&amp;` decoded.
pub fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&").replace("&#38;", "&"))
        .collect()
}

/// Every `http(s)://` URL of a text part.
pub fn text_urls(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
        .map(str::to_owned)
        .collect()
}
