//! `Email`: one rendered message, ready to send (recipient, subject, text and HTML parts).

use serde::{Deserialize, Serialize};

/// A rendered email: what the templates produce and what a [`crate::Mailer`] sends.
///
/// It is sent as multipart/alternative, with `text` first and `html` second, so mail clients
/// that can show HTML do and the others fall back to the text. It serializes to JSON so it can
/// wait in an outbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The recipient, `addr@domain` or `Name <addr@domain>`.
    pub to: String,
    /// The subject line, one line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}
