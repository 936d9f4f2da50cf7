//! Approval links: each link's secret is an HMAC of its id under the server's key, so it is never
//! stored (the database keeps its SHA-256), can be re-derived for a reminder, and is the same on
//! every replica that shares the key. The emails are rendered when the link is made and queued
//! with a slot for the secret, filled in when they are sent ([`link_slot`] says why ticket text
//! can never fill one).

mod link_slot;

use hmac::{Hmac, Mac};
use leaver_core::describe::{describe, how};
use leaver_core::{Case, StepState};
use leaver_mail::{
    ApprovalEscalation, ApprovalReminder, ApprovalRequest, FreshLink, RenderEmail, StepLine,
};
use leaver_store::approvals::{LinkEmail, LinkMinter, LinkView, OutgoingEmail, hash_token};
use link_slot::Marker;
use sha2::Sha256;
use time::format_description::well_known::Rfc2822;
use uuid::Uuid;

/// Derives link secrets and renders approval emails.
pub struct Minter {
    key: Vec<u8>,
    public_url: String,
}

impl std::fmt::Debug for Minter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minter")
            .field("key", &"[REDACTED]")
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl Minter {
    /// `key` must be at least 32 bytes of secret randomness.
    pub fn new(key: Vec<u8>, public_url: &url::Url) -> Minter {
        Minter {
            key,
            public_url: public_url.as_str().trim_end_matches('/').to_owned(),
        }
    }

    /// The secret of `link_id`: 256 bits, hex.
    pub fn token(&self, link_id: Uuid) -> String {
        // HMAC accepts keys of any length; `new_from_slice` cannot fail for HMAC.
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(b"leaver approval link ");
        mac.update(link_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A queued email's body as sent: the link's secret in its slots (none without a link).
    pub fn fill(&self, queued: &str, link_id: Option<Uuid>) -> String {
        let secret = link_id.map(|id| self.token(id)).unwrap_or_default();
        link_slot::fill(queued, &secret)
    }

    fn request_view(&self, case: &Case, link: &LinkView, marker: &Marker) -> ApprovalRequest {
        let page = format!("{}/approvals/{}", self.public_url, marker.as_str());
        let steps = link
            .steps
            .iter()
            .filter_map(|id| case.step(*id))
            .filter(|s| s.state != StepState::Skipped)
            .map(|s| StepLine {
                description: describe(case, s),
                target: s.target.to_string(),
                strategy: how(s).into(),
            })
            .collect();
        ApprovalRequest {
            to: link.approver.clone(),
            approver_name: None,
            leaver_name: case.person.name.clone(),
            leaver_email: case.person.email.to_string(),
            hub_username: case.person.hub_username.to_string(),
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
}

impl LinkMinter for Minter {
    fn token_hash(&self, link_id: Uuid) -> String {
        hash_token(&self.token(link_id))
    }

    fn render(&self, case: &Case, link: &LinkView, why: LinkEmail) -> OutgoingEmail {
        let marker = Marker::fresh();
        let request = self.request_view(case, link, &marker);
        let (kind, rendered) = match why {
            LinkEmail::Request => ("approval_request", request.render()),
            LinkEmail::Reminder(reminder) => (
                "approval_reminder",
                ApprovalReminder { request, reminder }.render(),
            ),
            LinkEmail::Escalation => {
                let escalated_because = format!(
                    "the {} approval for {} was not given in time",
                    link.rule, case.external_id
                );
                (
                    "approval_escalation",
                    ApprovalEscalation {
                        request,
                        escalated_because,
                    }
                    .render(),
                )
            }
            LinkEmail::FreshLink => {
                let fresh = FreshLink {
                    to: request.to.clone(),
                    approver_name: None,
                    leaver_name: request.leaver_name.clone(),
                    leaver_email: request.leaver_email.clone(),
                    hub_username: request.hub_username.clone(),
                    approve_url: request.approve_url.clone(),
                    view_url: request.view_url.clone(),
                    expires_at: request.expires_at.clone(),
                };
                ("approval_fresh_link", fresh.render())
            }
        };
        match rendered {
            Ok(email) => OutgoingEmail {
                kind: kind.into(),
                recipient: email.to,
                subject: email.subject,
                text: marker.encode(&email.text),
                html: marker.encode(&email.html),
            },
            Err(error) => {
                tracing::error!(%error, "rendering an approval email failed; sending a plain one");
                let text = marker.encode(&format!(
                    "Please review the offboarding of {}: {}/approvals/{}",
                    case.person.email,
                    self.public_url,
                    marker.as_str()
                ));
                OutgoingEmail {
                    kind: kind.into(),
                    recipient: link.approver.clone(),
                    subject: "Offboarding approval".into(),
                    html: text.clone(),
                    text,
                }
            }
        }
    }
}
