//! What reached the SMTP sink, parsed as a mail client would: MIME structure, subject, the
//! text and HTML bodies, and the approval links in them.

use super::TestApp;
use mail_parser::{MessageParser, MimeHeaders};

/// One delivered message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// The envelope recipients.
    pub to: Vec<String>,
    pub subject: String,
    /// The top-level MIME type, `multipart/alternative` for ours.
    pub mime: String,
    /// The MIME types of the first text and HTML bodies.
    pub text_mime: String,
    pub html_mime: String,
    pub text: String,
    pub html: String,
}

/// An approval link from an email: the page's URL (without `?decision=`) and its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    pub token: String,
    pub to: String,
    pub subject: String,
}

fn mime(part: Option<&mail_parser::MessagePart<'_>>) -> String {
    let Some(kind) = part.and_then(|p| p.content_type()) else {
        return String::new();
    };
    format!("{}/{}", kind.ctype(), kind.subtype().unwrap_or_default()).to_ascii_lowercase()
}

/// Parses one raw message.
pub fn parse(to: Vec<String>, raw: &str) -> Mail {
    let message = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a MIME message");
    Mail {
        to,
        subject: message.subject().unwrap_or_default().to_owned(),
        mime: mime(Some(message.root_part())),
        text_mime: mime(message.text_part(0)),
        html_mime: mime(message.html_part(0)),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
    }
}

/// Every `.../approvals/{64 hex}` URL in `body`, without its query, in order.
pub fn approval_urls(body: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("http") {
        let candidate = &rest[at..];
        let end = candidate
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '\''))
            .unwrap_or(candidate.len());
        let url = candidate[..end]
            .split('?')
            .next()
            .unwrap_or_default()
            .replace("&amp;", "&");
        if token_of(&url).is_some() && !urls.contains(&url) {
            urls.push(url);
        }
        rest = &candidate[end..];
    }
    urls
}

/// The secret of an approval page URL.
pub fn token_of(url: &str) -> Option<String> {
    let (_, token) = url.split_once("/approvals/")?;
    (token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())).then(|| token.to_owned())
}

impl TestApp {
    /// Every message the sink accepted, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        self.sink
            .messages()
            .into_iter()
            .map(|m| parse(m.rcpt_to, &m.data))
            .collect()
    }

    /// The messages sent to `recipient`.
    pub fn mails_to(&self, recipient: &str) -> Vec<Mail> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == recipient))
            .collect()
    }

    /// The approval links in the emails sent to `recipient`, oldest first, each once.
    pub fn approval_links(&self, recipient: &str) -> Vec<Link> {
        let mut links: Vec<Link> = Vec::new();
        for mail in self.mails_to(recipient) {
            for url in approval_urls(&mail.text) {
                if links.iter().all(|l| l.url != url) {
                    let token = token_of(&url).expect("token");
                    links.push(Link {
                        url,
                        token,
                        to: recipient.to_owned(),
                        subject: mail.subject.clone(),
                    });
                }
            }
        }
        links
    }

    /// The newest link sent to `recipient` about the offboarding of Hub user `user`.
    pub fn link_for(&self, recipient: &str, user: &str) -> Link {
        let about = format!("({user})");
        let links: Vec<Link> = self
            .approval_links(recipient)
            .into_iter()
            .filter(|l| l.subject.contains(&about))
            .collect();
        links.last().cloned().unwrap_or_else(|| {
            panic!(
                "no approval link for {user} reached {recipient}: {:#?}",
                self.mails()
            )
        })
    }
}
