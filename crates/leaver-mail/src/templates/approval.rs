//! The approval emails: the request itself, its reminders and its escalation. All three show
//! the same plan in plain words (who leaves, what is removed where, when) with approve and
//! reject links, through the partials `templates/email/partials/approval_*`.

use serde::{Deserialize, Serialize};

use super::{greeting, person, person_short, render_email};

/// One step of the plan, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLine {
    /// What happens, in plain words: "Remove bob from acme-ai".
    pub description: String,
    /// Where: the org, repo or resource group it touches.
    pub target: String,
    /// How: the strategy chosen for it, in words.
    pub strategy: String,
}

/// The email asking an approver to approve or reject an offboarding plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    /// The approver's address.
    pub to: String,
    /// The approver's name, for the greeting.
    pub approver_name: Option<String>,
    /// The leaver's name.
    pub leaver_name: Option<String>,
    /// The leaver's email address.
    pub leaver_email: String,
    /// The leaver's Hugging Face user name.
    pub hub_username: String,
    /// Why they leave, as given in the ticket.
    pub reason: Option<String>,
    /// When the offboarding takes effect, already formatted; `None` means on approval.
    pub effective_at: Option<String>,
    /// The steps to approve, in order.
    pub steps: Vec<StepLine>,
    /// Opens the request with "approve" preselected (the page still asks to confirm).
    pub approve_url: String,
    /// Opens the request with "reject" preselected (the page still asks for a reason).
    pub reject_url: String,
    /// Opens the request.
    pub view_url: String,
    /// When the links expire, already formatted.
    pub expires_at: String,
    /// Who opened the case (an operator, HR, an API key's name).
    pub requested_by: String,
}

impl ApprovalRequest {
    /// The leaver as shown in the email: `Bob B <bob@acme.test>`.
    pub fn leaver(&self) -> String {
        person(self.leaver_name.as_deref(), &self.leaver_email)
    }

    /// The leaver in a few words, for subjects: `Bob B (bob)` or `bob@acme.test (bob)`.
    pub fn leaver_short(&self) -> String {
        person_short(
            self.leaver_name.as_deref(),
            &self.leaver_email,
            &self.hub_username,
        )
    }

    /// When the plan runs, in words.
    pub fn when(&self) -> String {
        match self.effective_at.as_deref().map(str::trim) {
            Some(at) if !at.is_empty() => format!("{at}, or when approved if later"),
            _ => "as soon as it is approved".to_owned(),
        }
    }

    /// `Hello Carol,`.
    pub fn greeting(&self) -> String {
        greeting(self.approver_name.as_deref())
    }

    /// The request itself; the shared partials read it through this method.
    pub fn request(&self) -> &ApprovalRequest {
        self
    }
}

/// A reminder of an [`ApprovalRequest`] still waiting for a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalReminder {
    /// The request, with fresh links if the old ones were replaced.
    pub request: ApprovalRequest,
    /// Which reminder this is: 1 for the first.
    pub reminder: u32,
}

impl ApprovalReminder {
    /// The request being reminded of.
    pub fn request(&self) -> &ApprovalRequest {
        &self.request
    }
}

/// The escalation of an [`ApprovalRequest`]: the escalation target is asked too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalEscalation {
    /// The request, addressed to the escalation target (`to`, `approver_name`) with the
    /// target's own links.
    pub request: ApprovalRequest,
    /// Why they are asked: "carol@acme.test has not answered for 3 days".
    pub escalated_because: String,
}

impl ApprovalEscalation {
    /// The request being escalated.
    pub fn request(&self) -> &ApprovalRequest {
        &self.request
    }
}

render_email!(
    ApprovalRequest,
    to = to,
    "approval_request",
    "email/approval_request/subject.txt",
    "email/approval_request/body.txt",
    "email/approval_request/body.html",
);
render_email!(
    ApprovalReminder,
    to = request.to,
    "approval_reminder",
    "email/approval_reminder/subject.txt",
    "email/approval_reminder/body.txt",
    "email/approval_reminder/body.html",
);
render_email!(
    ApprovalEscalation,
    to = request.to,
    "approval_escalation",
    "email/approval_escalation/subject.txt",
    "email/approval_escalation/body.txt",
    "email/approval_escalation/body.html",
);
