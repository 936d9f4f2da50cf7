//! `MailError`: what can go wrong configuring a mailer, rendering an email or delivering it.
//!
//! Callers care about three questions: is it our configuration (fix it, don't retry), is it a
//! transient delivery failure (retry later: connection refused, timeouts, 4xx replies), or a
//! permanent one (5xx replies: retrying will not help). The methods answer them.

use std::fmt;
use std::path::PathBuf;

/// Which address of a message was invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressField {
    /// The sender (`LEAVER_MAIL_FROM`).
    From,
    /// The recipient of an email.
    To,
}

impl fmt::Display for AddressField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressField::From => "sender (from)",
            AddressField::To => "recipient (to)",
        })
    }
}

/// Everything that can go wrong in this crate. Messages never contain SMTP passwords.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// The SMTP URL (`LEAVER_SMTP_URL`) could not be used; `reason` names the part at fault.
    #[error("invalid SMTP URL (LEAVER_SMTP_URL): {reason}")]
    InvalidSmtpUrl {
        /// What is wrong with it, without the password.
        reason: String,
    },
    /// An email address could not be parsed.
    #[error("invalid {field} address {value:?}: {reason}")]
    InvalidAddress {
        /// Which address.
        field: AddressField,
        /// The address as given.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// A template failed to render (a bug, not a delivery problem).
    #[error("could not render the {template} email: {source}")]
    Render {
        /// The email's template directory name, e.g. `approval_request`.
        template: &'static str,
        /// Askama's error.
        #[source]
        source: askama::Error,
    },
    /// The mailbox directory could not be created, written or read.
    #[error("mailbox {}: {source}", path.display())]
    Mailbox {
        /// The file or directory involved.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The message could not be delivered.
    #[error("{} delivery failure{}: {reason}",
        if *transient { "transient" } else { "permanent" },
        code.map(|c| format!(" (SMTP {c})")).unwrap_or_default())]
    Delivery {
        /// True when trying again later may work (connection refused, timeouts, 4xx replies).
        transient: bool,
        /// The SMTP reply code, when the server answered with one.
        code: Option<u16>,
        /// What happened, without credentials.
        reason: String,
    },
}

impl MailError {
    /// True for configuration errors: a bad SMTP URL or a bad address. Retrying will not help;
    /// fixing the configuration or the input will.
    pub fn is_config(&self) -> bool {
        matches!(
            self,
            MailError::InvalidSmtpUrl { .. } | MailError::InvalidAddress { .. }
        )
    }

    /// True for delivery failures, transient or permanent.
    pub fn is_delivery(&self) -> bool {
        matches!(self, MailError::Delivery { .. })
    }

    /// True when sending again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            MailError::Delivery {
                transient: true,
                ..
            }
        )
    }
}
