//! The web app's mailbox page reads the mail crate's mailbox folder through this adapter.

use leaver_mail::{Mailbox, StoredEmail};
use leaver_web::{MailItem, MailboxReader};
use time::format_description::well_known::Rfc3339;

/// A mailbox folder, as the `/mail` page reads it.
#[derive(Debug)]
pub struct MailboxView(pub Mailbox);

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

impl MailboxReader for MailboxView {
    fn list(&self) -> Vec<MailItem> {
        self.0
            .list()
            .unwrap_or_default()
            .into_iter()
            .map(item)
            .collect()
    }

    fn get(&self, id: &str) -> Option<MailItem> {
        self.0.get(id).ok().flatten().map(item)
    }
}
