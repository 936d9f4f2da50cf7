//! The email carrying a fresh approval link, sent when an approver opened an expired one and
//! asked for a new one.

use serde::{Deserialize, Serialize};

use super::{greeting, person, person_short, render_email};

/// A new approval link replacing an expired one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreshLink {
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
    /// Opens the request with "approve" preselected (the page still asks to confirm).
    pub approve_url: String,
    /// Opens the request.
    pub view_url: String,
    /// When the new link expires, already formatted.
    pub expires_at: String,
}

impl FreshLink {
    /// The leaver as shown in the email: `Bob B <bob@acme.test>`.
    pub fn leaver(&self) -> String {
        person(self.leaver_name.as_deref(), &self.leaver_email)
    }

    /// The leaver in a few words, for the subject: `Bob B (bob)`.
    pub fn leaver_short(&self) -> String {
        person_short(
            self.leaver_name.as_deref(),
            &self.leaver_email,
            &self.hub_username,
        )
    }

    /// `Hello Carol,`.
    pub fn greeting(&self) -> String {
        greeting(self.approver_name.as_deref())
    }
}

render_email!(
    FreshLink,
    to = to,
    "fresh_link",
    "email/fresh_link/subject.txt",
    "email/fresh_link/body.txt",
    "email/fresh_link/body.html",
);
