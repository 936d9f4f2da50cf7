//! The SMTP transport: lettre's pooled `AsyncSmtpTransport` configured from an [`SmtpUrl`], and
//! the mapping of lettre's errors to [`MailError::Delivery`] (transient or permanent).

use std::error::Error as _;
use std::sync::{Mutex, PoisonError};

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::{AsyncSmtpTransportBuilder, PoolConfig};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::{MailError, SmtpSecurity, SmtpUrl};

/// Connections kept open to the relay.
const POOL_SIZE: u32 = 4;

type Pool = AsyncSmtpTransport<Tokio1Executor>;

/// An SMTP relay and the (lazily built) pooled transport to it.
///
/// Building lettre's pool spawns a cleanup task, which needs a running Tokio runtime, so the
/// pool is built on first use (always inside an async fn), never in the constructor.
///
/// lettre's async transport only times out the TCP connect, so each send runs under a deadline
/// (the URL's timeout). A send cut short leaves its connection mid-conversation, so the whole
/// pool is then discarded (closed in the background) and the next send builds a new one.
pub(crate) struct SmtpTransport {
    url: SmtpUrl,
    builder: AsyncSmtpTransportBuilder,
    pool: Mutex<Option<Pool>>,
}

impl SmtpTransport {
    /// Prepares the transport; fails only on configuration problems.
    pub(crate) fn new(url: SmtpUrl) -> Result<SmtpTransport, MailError> {
        let host = url.host().to_owned();
        let tls_parameters = || {
            TlsParameters::new(host.clone()).map_err(|e| MailError::InvalidSmtpUrl {
                reason: format!("cannot set up TLS for host {host:?}: {e}"),
            })
        };
        let tls = match url.security() {
            SmtpSecurity::Plain => Tls::None,
            SmtpSecurity::StartTls => Tls::Required(tls_parameters()?),
            SmtpSecurity::ImplicitTls => Tls::Wrapper(tls_parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host())
            .port(url.port())
            .tls(tls)
            .timeout(Some(url.timeout()))
            .pool_config(PoolConfig::new().max_size(POOL_SIZE));
        if let Some((user, password)) = url.credentials() {
            let password = password.expose_secret().to_owned();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(SmtpTransport {
            url,
            builder,
            pool: Mutex::new(None),
        })
    }

    /// The relay's URL (displays without its password).
    pub(crate) fn url(&self) -> &SmtpUrl {
        &self.url
    }

    /// Sends one message within the deadline.
    pub(crate) async fn send(&self, message: Message) -> Result<(), MailError> {
        let pool = self.pool();
        match tokio::time::timeout(self.url.timeout(), pool.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(self.delivery_error(&e)),
            Err(_) => Err(self.timed_out()),
        }
    }

    /// Connects and says hello, without sending anything.
    pub(crate) async fn check(&self) -> Result<(), MailError> {
        let pool = self.pool();
        match tokio::time::timeout(self.url.timeout(), pool.test_connection()).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(MailError::Delivery {
                transient: true,
                code: None,
                reason: format!("{}: the server did not answer NOOP", self.url),
            }),
            Ok(Err(e)) => Err(self.delivery_error(&e)),
            Err(_) => Err(self.timed_out()),
        }
    }

    /// The current pool, built on first use.
    fn pool(&self) -> Pool {
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        pool.get_or_insert_with(|| self.builder.clone().build())
            .clone()
    }

    /// Discards the pool after a send was cut short, and says so.
    fn timed_out(&self) -> MailError {
        let old = self
            .pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(old) = old {
            // Closing says QUIT to each parked connection, which a hung server never answers:
            // bound it, dropping the connections (and their sockets) when the time is up.
            let deadline = self.url.timeout();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(deadline, old.shutdown()).await;
            });
        }
        MailError::Delivery {
            transient: true,
            code: None,
            reason: format!(
                "{}: no answer within {}s",
                self.url,
                self.url.timeout().as_secs()
            ),
        }
    }

    /// Classifies a lettre error: 5xx replies and client-side refusals (say, no common AUTH
    /// mechanism) are permanent; everything else (refused connections, timeouts, TLS and
    /// network failures, 4xx replies) is transient.
    fn delivery_error(&self, e: &lettre::transport::smtp::Error) -> MailError {
        let code = e.status().map(u16::from);
        let detail = match (code, e.source()) {
            (Some(_), Some(server_says)) => server_says.to_string(),
            _ => e.to_string(),
        };
        let transient = !(e.is_permanent() || e.is_client());
        MailError::Delivery {
            transient,
            code,
            reason: self.redact(format!("{}: {}", self.url, detail.trim())),
        }
    }

    /// Belt and braces: a server could echo what it was sent; never let the password through.
    fn redact(&self, mut text: String) -> String {
        if let Some((_, password)) = self.url.credentials() {
            let password = password.expose_secret();
            if password.len() >= 3 {
                text = text.replace(password, "***");
            }
        }
        text
    }
}
