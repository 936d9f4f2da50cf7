//! `Email`: one rendered message, ready to send (recipient, subject, text and HTML parts).

use serde::{Deserialize, Serialize};

/// A rendered email: what the templates produce and what a [`crate::Mailer`] sends.
///
/// It is sent as multipart/alternative, with `text` first and `html` second, so mail clients
/// that can show HTML do and the others fall back to the text. It is rendered when it is sent:
/// Leaver's outbox keeps what to send, never a rendering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The recipient, `addr@domain` or `Name <addr@domain>`; several are comma-separated.
    pub to: String,
    /// The subject line, one line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}
