//! Leaver's email: renders the emails Leaver sends (approval requests, reminders, escalations,
//! fresh links, operator notices and their digest) from `templates/email/<name>/{subject.txt,body.txt,body.html}`,
//! and sends them as multipart/alternative (text + HTML) over SMTP, into a mailbox directory
//! (for `leaver demo`), or into memory (for other crates' unit tests).
//!
//! It renders what it is given: the view models are plain strings and small structs, and this
//! crate knows nothing of Leaver's other crates.
//!
//! ```
//! use leaver_mail::{Mailer, OperatorNotice, RenderEmail};
//!
//! # async fn send() -> Result<(), leaver_mail::MailError> {
//! let mailer = Mailer::memory(); // or Mailer::from_url(LEAVER_SMTP_URL, LEAVER_MAIL_FROM)?
//! let email = OperatorNotice {
//!     to: "ops@acme.test".into(),
//!     case_url: "https://leaver.acme.test/cases/1".into(),
//!     leaver: "Bob B <bob@acme.test>".into(),
//!     headline: "A step needs you".into(),
//!     details: vec![],
//! }
//! .render()?;
//! match mailer.send(&email).await {
//!     Err(e) if e.is_transient() => { /* leave it in the outbox and retry later */ }
//!     other => other?,
//! }
//! # Ok(())
//! # }
//! ```
//!
//! With the `smtp-sink` feature, [`smtp_sink::SmtpSink`] is a real SMTP server on loopback for
//! tests.

mod email;
mod error;
mod mailbox;
mod mailer;
mod memory;
mod message;
mod smtp;
mod smtp_url;
mod subject;
mod templates;

#[cfg(feature = "smtp-sink")]
pub mod smtp_sink;

pub use email::Email;
pub use error::{AddressField, MailError};
pub use mailbox::{Mailbox, StoredEmail};
pub use mailer::Mailer;
pub use smtp_url::{SmtpSecurity, SmtpUrl};
pub use templates::RenderEmail;
pub use templates::approval::{ApprovalEscalation, ApprovalReminder, ApprovalRequest, StepLine};
pub use templates::fresh_link::FreshLink;
pub use templates::operator_notice::{NoticeLine, OperatorDigest, OperatorNotice};
