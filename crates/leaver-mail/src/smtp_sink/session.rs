//! One SMTP session of the sink (RFC 5321, the subset a mail client needs).

use std::io;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;

use super::{ReceivedMessage, State};

/// Longest command line accepted (RFC 5321 says 512; be generous).
const MAX_LINE: u64 = 4096;
/// Longest DATA line kept whole (RFC 5321 says 1000); longer ones are split, not fatal.
const MAX_DATA_LINE: u64 = 1024 * 1024;
/// Largest message accepted, advertised with SIZE.
const MAX_MESSAGE: usize = 10 * 1024 * 1024;

/// The envelope being built by MAIL FROM / RCPT TO.
#[derive(Default)]
struct Envelope {
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
}

/// Serves one connection until QUIT, EOF, an error or an outage.
pub(super) async fn run(stream: TcpStream, state: Arc<State>) -> io::Result<()> {
    let (read, mut w) = stream.into_split();
    let mut r = BufReader::new(read);
    if state.is_down() {
        return reply(&mut w, "421 4.3.2 smtp-sink is down, try again later").await;
    }
    reply(&mut w, "220 smtp-sink ESMTP ready").await?;
    let (mut greeted, mut auth_user) = (false, None::<String>);
    let mut envelope = Envelope::default();
    while let Some(line) = read_line(&mut r).await? {
        if state.is_down() {
            return reply(&mut w, "421 4.3.2 smtp-sink is down, closing").await;
        }
        let (verb, arg) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let required = state.credentials();
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" if arg.trim().is_empty() => {
                reply(&mut w, "501 5.5.4 a domain or address is required").await?;
            }
            "EHLO" => {
                (greeted, envelope) = (true, Envelope::default());
                let auth = if required.is_some() {
                    "250-AUTH PLAIN\r\n"
                } else {
                    ""
                };
                let size = format!("250-SIZE {MAX_MESSAGE}\r\n");
                let lines = format!(
                    "250-smtp-sink greets {arg}\r\n250-8BITMIME\r\n{size}{auth}250 SMTPUTF8"
                );
                reply(&mut w, &lines).await?;
            }
            "HELO" => {
                (greeted, envelope) = (true, Envelope::default());
                reply(&mut w, "250 smtp-sink").await?;
            }
            "AUTH" => {
                let answer = authenticate(&mut r, &mut w, arg, required.as_ref()).await?;
                if let Some(user) = answer {
                    auth_user = Some(user);
                }
            }
            "MAIL" if !greeted => reply(&mut w, "503 5.5.1 say EHLO first").await?,
            "MAIL" if required.is_some() && auth_user.is_none() => {
                reply(&mut w, "530 5.7.0 authentication required").await?;
            }
            "MAIL" if envelope.mail_from.is_some() => {
                reply(&mut w, "503 5.5.1 nested MAIL command").await?;
            }
            "MAIL" => match path(arg, "FROM:") {
                Some(from) => {
                    envelope.mail_from = Some(from);
                    reply(&mut w, "250 2.1.0 sender ok").await?;
                }
                None => reply(&mut w, "501 5.5.4 syntax: MAIL FROM:<address>").await?,
            },
            "RCPT" if envelope.mail_from.is_none() => {
                reply(&mut w, "503 5.5.1 need MAIL before RCPT").await?;
            }
            "RCPT" => match path(arg, "TO:").filter(|to| !to.is_empty()) {
                Some(to) => {
                    envelope.rcpt_to.push(to);
                    reply(&mut w, "250 2.1.5 recipient ok").await?;
                }
                None => reply(&mut w, "501 5.5.4 syntax: RCPT TO:<address>").await?,
            },
            "DATA" if envelope.rcpt_to.is_empty() => {
                reply(&mut w, "503 5.5.1 need RCPT before DATA").await?;
            }
            "DATA" => {
                reply(&mut w, "354 end data with <CR><LF>.<CR><LF>").await?;
                let Some(data) = read_data(&mut r).await? else {
                    return Ok(());
                };
                let envelope = std::mem::take(&mut envelope);
                if data.len() > MAX_MESSAGE {
                    reply(&mut w, "552 5.3.4 message too big").await?;
                    continue;
                }
                state.accept(ReceivedMessage {
                    mail_from: envelope.mail_from.unwrap_or_default(),
                    rcpt_to: envelope.rcpt_to,
                    data,
                    auth_user: auth_user.clone(),
                });
                reply(&mut w, "250 2.0.0 message accepted").await?;
            }
            "RSET" => {
                envelope = Envelope::default();
                reply(&mut w, "250 2.0.0 reset").await?;
            }
            "NOOP" => reply(&mut w, "250 2.0.0 ok").await?,
            "QUIT" => return reply(&mut w, "221 2.0.0 bye").await,
            _ => reply(&mut w, "500 5.5.2 command not recognized").await?,
        }
    }
    Ok(())
}

/// Handles `AUTH PLAIN [initial-response]`; returns the user on success.
async fn authenticate(
    r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    w: &mut OwnedWriteHalf,
    arg: &str,
    required: Option<&(String, String)>,
) -> io::Result<Option<String>> {
    let Some((user, password)) = required else {
        reply(w, "502 5.5.1 AUTH not offered").await?;
        return Ok(None);
    };
    let (mechanism, initial) = arg.split_once(' ').unwrap_or((arg, ""));
    if !mechanism.eq_ignore_ascii_case("PLAIN") {
        reply(w, "504 5.5.4 only AUTH PLAIN").await?;
        return Ok(None);
    }
    let response = if initial.trim().is_empty() {
        reply(w, "334 ").await?;
        read_line(r).await?.unwrap_or_default()
    } else {
        initial.to_owned()
    };
    // PLAIN: authzid NUL authcid NUL password.
    let decoded = base64_decode(response.trim()).unwrap_or_default();
    let mut parts = decoded.split(|b| *b == 0).skip(1);
    let (given_user, given_password) = (parts.next(), parts.next());
    if given_user == Some(user.as_bytes()) && given_password == Some(password.as_bytes()) {
        reply(w, "235 2.7.0 authentication successful").await?;
        Ok(Some(user.clone()))
    } else {
        reply(w, "535 5.7.8 authentication credentials invalid").await?;
        Ok(None)
    }
}

/// Reads one line without its line ending; `None` at EOF. Overlong lines end the session.
async fn read_line<R>(r: &mut R) -> io::Result<Option<String>>
where
    R: tokio::io::AsyncBufRead + Unpin,
{
    let mut buf = Vec::new();
    let n = r.take(MAX_LINE).read_until(b'\n', &mut buf).await?;
    if n == 0 {
        return Ok(None);
    }
    if !buf.ends_with(b"\n") && n as u64 >= MAX_LINE {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
    }
    let line = String::from_utf8_lossy(&buf);
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
}

/// Reads DATA up to the lone `.` line, removing dot-stuffing; `None` if the peer hung up.
async fn read_data<R>(r: &mut R) -> io::Result<Option<String>>
where
    R: tokio::io::AsyncBufRead + Unpin,
{
    let mut data = String::new();
    loop {
        let mut buf = Vec::new();
        if r.take(MAX_DATA_LINE).read_until(b'\n', &mut buf).await? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&buf);
        let content = line.trim_end_matches(['\r', '\n']);
        if content == "." {
            return Ok(Some(data));
        }
        if data.len() <= MAX_MESSAGE {
            data.push_str(content.strip_prefix('.').unwrap_or(content));
            data.push_str("\r\n");
        }
    }
}

/// Extracts the address of `FROM:<a@b> PARAMS` / `TO:<a@b>`.
fn path(arg: &str, keyword: &str) -> Option<String> {
    let arg = arg.trim_start();
    let head = arg.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    let inner = rest.strip_prefix('<')?;
    let end = inner.find('>')?;
    Some(inner[..end].to_owned())
}

async fn reply(w: &mut OwnedWriteHalf, text: &str) -> io::Result<()> {
    w.write_all(text.as_bytes()).await?;
    w.write_all(b"\r\n").await?;
    w.flush().await
}

/// Standard base64 (RFC 4648) with padding; `None` on any invalid character.
fn base64_decode(input: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in input.bytes().filter(|c| *c != b'=') {
        acc = (acc << 6) | u32::from(value(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}
