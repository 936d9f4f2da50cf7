//! An approval email, rendered when it is sent: from the case and the link as they are then,
//! with the link's secret derived from its id. Ticket text (a name, a reason) goes into the
//! templates as data and nothing is ever substituted into rendered text, so no text can turn
//! into a link's secret.

use crate::Minter;
use leaver_core::describe::{describe_with_tokens, how};
use leaver_core::{Case, StepState};
use leaver_mail::{
    ApprovalEscalation, ApprovalReminder, ApprovalRequest, Email, FreshLink, RenderEmail, StepLine,
};
use leaver_store::approvals::LinkView;
use leaver_store::mail::outbox::LinkEmail;
use time::format_description::well_known::Rfc2822;

/// The `why` email for `link` of `case`. Should a template fail, a plain email with the link.
/// `held`: the fingerprints of the raw tokens Leaver holds for the case, still to revoke.
pub(super) fn render(
    minter: &Minter,
    case: &Case,
    link: &LinkView,
    held: &[String],
    why: LinkEmail,
) -> Email {
    // A reminder lists only the steps still undecided (an approver of another rule may have
    // rejected some since: those will not run whatever this one says).
    let undecided_only = matches!(why, LinkEmail::Reminder(_));
    let request = request(minter, case, link, held, undecided_only);
    let rendered = match why {
        LinkEmail::Request => request.render(),
        LinkEmail::Reminder(reminder) => ApprovalReminder { request, reminder }.render(),
        LinkEmail::Escalation => {
            let escalated_because = format!(
                "the {} approval for {} was not given in time",
                link.rule, case.external_id
            );
            ApprovalEscalation {
                request,
                escalated_because,
            }
            .render()
        }
        LinkEmail::FreshLink => FreshLink {
            to: request.to,
            approver_name: None,
            leaver_name: request.leaver_name,
            leaver_email: request.leaver_email,
            hub_username: request.hub_username,
            approve_url: request.approve_url,
            view_url: request.view_url,
            expires_at: request.expires_at,
        }
        .render(),
    };
    rendered.unwrap_or_else(|error| {
        tracing::error!(%error, kind = why.kind(), "rendering an approval email failed; sending a plain one");
        let text = format!(
            "Please review the offboarding of {}: {}",
            case.person.email,
            minter.approval_page(link.link_id)
        );
        Email {
            to: link.approver.clone(),
            subject: "Offboarding approval".into(),
            html: text.clone(),
            text,
        }
    })
}

/// The request as the approval emails show it.
fn request(
    minter: &Minter,
    case: &Case,
    link: &LinkView,
    held: &[String],
    undecided_only: bool,
) -> ApprovalRequest {
    let page = minter.approval_page(link.link_id);
    let steps = link
        .steps
        .iter()
        .filter_map(|id| case.step(*id))
        .filter(|s| s.state != StepState::Skipped)
        .filter(|s| !undecided_only || s.state == StepState::AwaitingApproval)
        .map(|s| StepLine {
            description: describe_with_tokens(case, s, held),
            target: s.target.to_string(),
            strategy: how(s).into(),
        })
        .collect();
    ApprovalRequest {
        to: link.approver.clone(),
        approver_name: None,
        leaver_name: case.person.name.clone(),
        leaver_email: case.person.email.to_string(),
        hub_username: case.person.hub_username_text().to_owned(),
        reason: case.reason.clone(),
        effective_at: case.effective_at.and_then(|t| t.format(&Rfc2822).ok()),
        steps,
        approve_url: format!("{page}?decision=approve"),
        reject_url: format!("{page}?decision=reject"),
        view_url: page,
        expires_at: link.expires_at.format(&Rfc2822).unwrap_or_default(),
        requested_by: format!(
            "Leaver, for ticket {} ({} approval)",
            case.external_id, link.rule
        ),
    }
}
