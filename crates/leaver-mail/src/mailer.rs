//! `Mailer`: sends [`Email`]s from a configured sender through SMTP, a mailbox directory or
//! memory. Cheap to clone; clones share the transport (and the SMTP connection pool).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use lettre::message::Mailbox as Address;

use crate::mailbox::Mailbox;
use crate::memory::MemoryTransport;
use crate::message::{build, parse_address};
use crate::smtp::SmtpTransport;
use crate::{AddressField, Email, MailError, SmtpUrl};

/// The sender used by [`Mailer::memory`].
const MEMORY_FROM: &str = "Leaver <leaver@localhost>";

/// Sends emails. `Debug` shows the transport and sender, never an SMTP password.
#[derive(Clone)]
pub struct Mailer {
    from: Address,
    transport: Arc<Transport>,
}

#[expect(
    clippy::large_enum_variant,
    reason = "one per mailer, allocated once behind an Arc"
)]
enum Transport {
    Smtp(SmtpTransport),
    Mailbox(Mailbox),
    Memory(MemoryTransport),
}

impl Mailer {
    /// A mailer sending through the SMTP relay at `url` (`LEAVER_SMTP_URL`, see [`SmtpUrl`])
    /// from `from` (`LEAVER_MAIL_FROM`, `addr` or `Name <addr>`). Connects only when sending.
    pub fn from_url(url: &str, from: &str) -> Result<Mailer, MailError> {
        Mailer::smtp(SmtpUrl::parse(url)?, from)
    }

    /// A mailer sending through an already parsed SMTP URL.
    pub fn smtp(url: SmtpUrl, from: &str) -> Result<Mailer, MailError> {
        let from = parse_address(AddressField::From, from)?;
        let transport = Transport::Smtp(SmtpTransport::new(url)?);
        Ok(Mailer {
            from,
            transport: Arc::new(transport),
        })
    }

    /// A mailer writing each message as a `.eml` file into `dir` (created if needed), for
    /// `leaver demo`; read them back with [`Mailer::as_mailbox`] or [`Mailbox::open`].
    pub fn mailbox(dir: impl Into<PathBuf>, from: &str) -> Result<Mailer, MailError> {
        let from = parse_address(AddressField::From, from)?;
        let mailbox = Mailbox::open(dir)?;
        Ok(Mailer {
            from,
            transport: Arc::new(Transport::Mailbox(mailbox)),
        })
    }

    /// A mailer keeping sent emails in memory, for tests: read them with [`Mailer::sent`].
    pub fn memory() -> Mailer {
        let from = MEMORY_FROM
            .parse::<Address>()
            .expect("the memory mailer's constant sender parses");
        Mailer {
            from,
            transport: Arc::new(Transport::Memory(MemoryTransport::default())),
        }
    }

    /// The sender, as it appears in the `From` header.
    pub fn from_address(&self) -> String {
        self.from.to_string()
    }

    /// The mailbox of a mailbox mailer (for the demo's `/mail` page); `None` otherwise.
    pub fn as_mailbox(&self) -> Option<&Mailbox> {
        match self.transport.as_ref() {
            Transport::Mailbox(mailbox) => Some(mailbox),
            _ => None,
        }
    }

    /// Sends one email as multipart/alternative (text, then HTML). Never panics: every failure
    /// is a [`MailError`], whose [`MailError::is_transient`] tells whether to retry.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let message = build(&self.from, email)?;
        let result = match self.transport.as_ref() {
            Transport::Smtp(smtp) => smtp.send(message).await,
            Transport::Mailbox(mailbox) => write_to_mailbox(mailbox, message.formatted()).await,
            Transport::Memory(memory) => memory.send(email),
        };
        match &result {
            Ok(()) => tracing::debug!(transport = %self.kind(), "email sent"),
            Err(e) => tracing::warn!(transport = %self.kind(), error = %e, "email not sent"),
        }
        result
    }

    /// Checks that the transport is usable (for `leaver check`): connects to the SMTP relay and
    /// says hello; for a mailbox, that the directory can be listed.
    pub async fn check(&self) -> Result<(), MailError> {
        match self.transport.as_ref() {
            Transport::Smtp(smtp) => smtp.check().await,
            Transport::Mailbox(mailbox) => mailbox.list().map(|_| ()),
            Transport::Memory(_) => Ok(()),
        }
    }

    /// What a memory mailer has sent, oldest first (empty for the other transports).
    pub fn sent(&self) -> Vec<Email> {
        match self.transport.as_ref() {
            Transport::Memory(memory) => memory.sent(),
            _ => Vec::new(),
        }
    }

    /// Makes a memory mailer fail every send with a transient error (`true`), as during an SMTP
    /// outage, or work again (`false`). No effect on the other transports.
    pub fn set_memory_down(&self, down: bool) {
        if let Transport::Memory(memory) = self.transport.as_ref() {
            memory.set_down(down);
        }
    }

    fn kind(&self) -> String {
        match self.transport.as_ref() {
            Transport::Smtp(smtp) => smtp.url().to_string(),
            Transport::Mailbox(mailbox) => format!("mailbox:{}", mailbox.dir().display()),
            Transport::Memory(_) => "memory".to_owned(),
        }
    }
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("transport", &self.kind())
            .finish()
    }
}

/// Writes on a blocking thread: file I/O must not stall the async workers.
async fn write_to_mailbox(mailbox: &Mailbox, raw: Vec<u8>) -> Result<(), MailError> {
    let mailbox = mailbox.clone();
    let written = tokio::task::spawn_blocking(move || mailbox.write(&raw)).await;
    match written {
        Ok(Ok(_id)) => Ok(()),
        Ok(Err(e)) => Err(MailError::Delivery {
            transient: true,
            code: None,
            reason: format!("cannot write to the mailbox: {e}"),
        }),
        Err(e) => Err(MailError::Delivery {
            transient: true,
            code: None,
            reason: format!("mailbox writer stopped: {e}"),
        }),
    }
}
