//! The demo's mailbox: a read-only view of the emails Leaver wrote to a folder instead of
//! sending, so that a newcomer can click an approval link. Only `leaver demo` shows it (at
//! `/mail`): anyone who reads it reads every approval link.

use leaver_mail::{Mailbox, StoredEmail};
use std::path::PathBuf;
use time::format_description::well_known::Rfc3339;

/// One email, as the mailbox page shows it.
#[derive(Clone, Debug)]
pub struct MailItem {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub date: String,
    pub text: String,
    pub html: String,
}

/// A mailbox folder, read.
#[derive(Debug)]
pub struct DemoMailbox(Mailbox);

impl DemoMailbox {
    /// The mailbox in `dir` (created if missing).
    pub fn open(dir: impl Into<PathBuf>) -> anyhow::Result<DemoMailbox> {
        Ok(DemoMailbox(Mailbox::open(dir)?))
    }

    /// Every email, newest first (none if the folder cannot be read).
    pub fn list(&self) -> Vec<MailItem> {
        self.0
            .list()
            .unwrap_or_default()
            .into_iter()
            .map(item)
            .collect()
    }

    /// The email with `id`, if there is one.
    pub fn get(&self, id: &str) -> Option<MailItem> {
        self.0.get(id).ok().flatten().map(item)
    }
}

fn item(email: StoredEmail) -> MailItem {
    MailItem {
        id: email.id,
        to: email.to,
        subject: email.subject,
        date: email.date.format(&Rfc3339).unwrap_or_default(),
        text: email.text,
        html: email.html,
    }
}
