//! `SmtpUrl`: the parsed form of `LEAVER_SMTP_URL`, with the password kept secret.
//!
//! Accepted forms:
//! - `smtp://host[:port]`: plain SMTP, for local relays and tests (default port 25);
//! - `smtp://host[:port]?tls=starttls` or `smtp+starttls://host[:port]`: STARTTLS (default 587);
//! - `smtps://host[:port]`: implicit TLS (default 465);
//!
//! each with optional `user:password@` credentials (percent-decoded) and an optional
//! `timeout=SECONDS` query parameter (default 30): the deadline for connecting and for one
//! whole send. The password lives in a
//! [`SecretString`]; `Display` and `Debug` show it as `***`, and no error message quotes it.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::MailError;

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// No TLS at all: only for relays on a trusted network or loopback.
    Plain,
    /// Plain connection upgraded with STARTTLS, which is required (no silent fallback).
    StartTls,
    /// TLS from the first byte (SMTPS).
    ImplicitTls,
}

impl SmtpSecurity {
    fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::Plain => 25,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::ImplicitTls => 465,
        }
    }

    fn scheme(self) -> &'static str {
        match self {
            SmtpSecurity::Plain => "smtp",
            SmtpSecurity::StartTls => "smtp+starttls",
            SmtpSecurity::ImplicitTls => "smtps",
        }
    }
}

/// Default deadline for connecting and for one whole send.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A parsed `LEAVER_SMTP_URL`.
#[derive(Clone)]
pub struct SmtpUrl {
    host: String,
    port: u16,
    security: SmtpSecurity,
    credentials: Option<(String, SecretString)>,
    timeout: Duration,
}

impl SmtpUrl {
    /// Parses an SMTP URL; errors name the part at fault and never quote the password.
    pub fn parse(input: &str) -> Result<SmtpUrl, MailError> {
        let url = Url::parse(input.trim()).map_err(|e| invalid(format!("not a URL ({e})")))?;
        let mut security = match url.scheme() {
            "smtp" => SmtpSecurity::Plain,
            "smtp+starttls" => SmtpSecurity::StartTls,
            "smtps" => SmtpSecurity::ImplicitTls,
            other => {
                return Err(invalid(format!(
                    "unknown scheme {other:?} (expected smtp, smtp+starttls or smtps)"
                )));
            }
        };
        let mut timeout = DEFAULT_TIMEOUT;
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("tls", "starttls" | "required") if security != SmtpSecurity::ImplicitTls => {
                    security = SmtpSecurity::StartTls;
                }
                ("tls", "none") if security == SmtpSecurity::Plain => {}
                ("tls", other) => {
                    return Err(invalid(format!(
                        "query parameter tls={other:?} does not fit scheme {:?} \
                         (use tls=starttls with smtp://)",
                        url.scheme()
                    )));
                }
                ("timeout", secs) => timeout = parse_timeout(secs)?,
                (other, _) => {
                    return Err(invalid(format!(
                        "unknown query parameter {other:?} (expected tls or timeout)"
                    )));
                }
            }
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid("missing host".to_owned()))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if url.path().len() > 1 {
            return Err(invalid("unexpected path after the host".to_owned()));
        }
        Ok(SmtpUrl {
            port: url.port().unwrap_or(security.default_port()),
            host,
            security,
            credentials: credentials(&url)?,
            timeout,
        })
    }

    /// The server's host name or IP address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The server's port (explicit, or the default of the security mode).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How the connection is protected.
    pub fn security(&self) -> SmtpSecurity {
        self.security
    }

    /// The user name, when the URL carries credentials.
    pub fn username(&self) -> Option<&str> {
        self.credentials.as_ref().map(|(user, _)| user.as_str())
    }

    /// The deadline for connecting and for one whole send.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The credentials, password included: only for building the transport.
    pub(crate) fn credentials(&self) -> Option<&(String, SecretString)> {
        self.credentials.as_ref()
    }
}

impl fmt::Display for SmtpUrl {
    /// The URL with the password replaced by `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.security.scheme())?;
        if let Some((user, _)) = &self.credentials {
            let user = percent_encoding::utf8_percent_encode(user, USERINFO);
            write!(f, "{user}:***@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SmtpUrl").field(&self.to_string()).finish()
    }
}

/// Characters escaped in a displayed user name.
const USERINFO: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn credentials(url: &Url) -> Result<Option<(String, SecretString)>, MailError> {
    let (user, password) = (url.username(), url.password());
    match (user.is_empty(), password) {
        (true, None) => Ok(None),
        (true, Some(_)) => Err(invalid("password given without a user name".to_owned())),
        (false, None) => Err(invalid("user name given without a password".to_owned())),
        (false, Some(password)) => {
            let user = decode(user).ok_or_else(|| {
                invalid("user name is not valid UTF-8 once percent-decoded".to_owned())
            })?;
            let password = decode(password).ok_or_else(|| {
                invalid("password is not valid UTF-8 once percent-decoded".to_owned())
            })?;
            Ok(Some((user, SecretString::from(password))))
        }
    }
}

fn decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

fn parse_timeout(secs: &str) -> Result<Duration, MailError> {
    match secs.parse::<u64>() {
        Ok(n) if n > 0 => Ok(Duration::from_secs(n)),
        _ => Err(invalid(format!(
            "timeout={secs:?} is not a positive number of seconds"
        ))),
    }
}

fn invalid(reason: String) -> MailError {
    MailError::InvalidSmtpUrl { reason }
}
