//! The emails telling Leaver's operators that cases need them (a case needs attention, a step
//! failed for good, an approver said no): one notice on its own, or several gathered into one
//! digest.

use serde::{Deserialize, Serialize};

use super::render_email;

/// A notice to an operator about one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorNotice {
    /// The operators' addresses, comma-separated.
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

/// Several notices to the operators in one email, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorDigest {
    /// The operators' addresses, comma-separated.
    pub to: String,
    pub notices: Vec<NoticeLine>,
    /// The list of every case that needs attention.
    pub cases_url: String,
}

/// One notice of a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLine {
    /// The case's page in Leaver.
    pub case_url: String,
    /// Who the case is about: "Bob B <bob@acme.test> (Hub user bob)".
    pub leaver: String,
    /// What needs attention, in one line.
    pub headline: String,
}

render_email!(
    OperatorDigest,
    to = to,
    "operator_digest",
    "email/operator_digest/subject.txt",
    "email/operator_digest/body.txt",
    "email/operator_digest/body.html",
);
