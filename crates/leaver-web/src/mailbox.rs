//! The demo's mailbox: a read-only view of the emails Leaver wrote to a folder instead of
//! sending, so a newcomer can click an approval link. The web app only reads it through this
//! port; the binary plugs the mail crate's mailbox in.

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

/// Reads the mailbox.
pub trait MailboxReader: Send + Sync + std::fmt::Debug {
    /// Newest first.
    fn list(&self) -> Vec<MailItem>;
    fn get(&self, id: &str) -> Option<MailItem>;
}
