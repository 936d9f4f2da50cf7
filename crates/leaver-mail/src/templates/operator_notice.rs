//! The email telling Leaver's operators that a case needs them: a step failed for good, a step
//! must be done by hand (with instructions), or the Hub token needs attention.

use serde::{Deserialize, Serialize};

use super::render_email;

/// A notice to an operator about one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorNotice {
    /// The operator's (or the operators' list) address.
    pub to: String,
    /// The case's page in Leaver.
    pub case_url: String,
    /// Who the case is about, as it should read: "Bob B <bob@acme.test> (Hub user bob)".
    pub leaver: String,
    /// What needs attention, in one line: "Removing bob from acme-ai failed 5 times".
    pub headline: String,
    /// Further lines: the error, manual step instructions, token instructions. Each is a
    /// paragraph; line breaks inside one are kept.
    pub details: Vec<String>,
}

render_email!(
    OperatorNotice,
    to = to,
    "operator_notice",
    "email/operator_notice/subject.txt",
    "email/operator_notice/body.txt",
    "email/operator_notice/body.html",
);
