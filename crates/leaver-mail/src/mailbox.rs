//! `Mailbox`: a directory of `.eml` files, the transport of `leaver demo`.
//!
//! Each sent message is written whole to a temporary file and renamed into place, so a reader
//! never sees half a message. [`Mailbox::list`] and [`Mailbox::get`] read them back for the
//! demo's `/mail` page. File names are `<id>.eml`, where ids sort by time of writing. Emails
//! carry live approval links, so the directory is created for its owner only (0700) and each
//! file readable by its owner only (0600).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use mail_parser::MessageParser;
use time::OffsetDateTime;

use crate::MailError;

/// A directory holding one `.eml` file per sent message.
#[derive(Debug, Clone)]
pub struct Mailbox {
    dir: PathBuf,
}

/// A message read back from a [`Mailbox`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEmail {
    /// The message's id in the mailbox (its file name without `.eml`).
    pub id: String,
    /// The sender, as `Name <addr>` or `addr`.
    pub from: String,
    /// The recipient, as `Name <addr>` or `addr`.
    pub to: String,
    /// The decoded subject.
    pub subject: String,
    /// The message's `Date` header (the file's time if it has none).
    pub date: OffsetDateTime,
    /// The decoded text part.
    pub text: String,
    /// The decoded HTML part.
    pub html: String,
}

impl Mailbox {
    /// Opens the mailbox in `dir`, creating the directory if needed.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Mailbox, MailError> {
        let dir = dir.into();
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir).map_err(|source| MailError::Mailbox {
            path: dir.clone(),
            source,
        })?;
        Ok(Mailbox { dir })
    }

    /// The mailbox's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes a raw RFC 5322 message atomically and returns its id.
    pub(crate) fn write(&self, raw: &[u8]) -> io::Result<String> {
        let now = OffsetDateTime::now_utc().unix_timestamp_nanos();
        let id = format!("{now:020}-{}", uuid::Uuid::new_v4().simple());
        let tmp = self.dir.join(format!(".{id}.eml.tmp"));
        let result = (|| {
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp)?;
            file.write_all(raw)?;
            file.sync_all()?;
            fs::rename(&tmp, self.path_of(&id))
        })();
        if result.is_err() {
            // Best effort: a leftover dotfile is ignored by `list` anyway.
            let _ = fs::remove_file(&tmp);
        }
        result.map(|()| id)
    }

    /// Every message in the mailbox, newest first. Files that cannot be parsed are skipped.
    pub fn list(&self) -> Result<Vec<StoredEmail>, MailError> {
        let entries = fs::read_dir(&self.dir).map_err(|source| self.error(&self.dir, source))?;
        let mut ids = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| self.error(&self.dir, source))?;
            let name = entry.file_name();
            if let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".eml"))
                && valid_id(id)
            {
                ids.push(id.to_owned());
            }
        }
        ids.sort_unstable_by(|a, b| b.cmp(a));
        let mut emails = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(email) = self.get(&id)? {
                emails.push(email);
            }
        }
        Ok(emails)
    }

    /// The message with this id, or `None` when there is none (or the id is malformed, so an id
    /// taken from a URL can never reach outside the directory).
    pub fn get(&self, id: &str) -> Result<Option<StoredEmail>, MailError> {
        if !valid_id(id) {
            return Ok(None);
        }
        let path = self.path_of(id);
        let raw = match fs::read(&path) {
            Ok(raw) => raw,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(self.error(&path, source)),
        };
        let Some(message) = MessageParser::default().parse(&raw) else {
            tracing::warn!(path = %path.display(), "skipping a mailbox file that is not a message");
            return Ok(None);
        };
        let date = match message.date() {
            Some(date) => OffsetDateTime::from_unix_timestamp(date.to_timestamp()).ok(),
            None => None,
        };
        let date = match date {
            Some(date) => date,
            None => file_time(&path).map_err(|source| self.error(&path, source))?,
        };
        Ok(Some(StoredEmail {
            id: id.to_owned(),
            from: address(message.from()),
            to: address(message.to()),
            subject: message.subject().unwrap_or_default().to_owned(),
            date,
            text: message.body_text(0).unwrap_or_default().into_owned(),
            html: message.body_html(0).unwrap_or_default().into_owned(),
        }))
    }

    fn path_of(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.eml"))
    }

    fn error(&self, path: &Path, source: io::Error) -> MailError {
        MailError::Mailbox {
            path: path.to_owned(),
            source,
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn file_time(path: &Path) -> io::Result<OffsetDateTime> {
    Ok(OffsetDateTime::from(fs::metadata(path)?.modified()?))
}

fn address(address: Option<&mail_parser::Address<'_>>) -> String {
    let Some(first) = address.and_then(|a| a.first()) else {
        return String::new();
    };
    match (first.name(), first.address()) {
        (Some(name), Some(addr)) => format!("{name} <{addr}>"),
        (None, Some(addr)) => addr.to_owned(),
        (Some(name), None) => name.to_owned(),
        (None, None) => String::new(),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::Mailbox;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &std::path::Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn only_the_owner_can_read_the_mailbox() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mailbox = Mailbox::open(dir.path().join("mail/inner")).expect("open");
        let id = mailbox
            .write(b"Subject: x\r\n\r\nan approval link")
            .expect("write");
        assert_eq!(mode(mailbox.dir()), 0o700);
        assert_eq!(
            mode(&dir.path().join("mail")),
            0o700,
            "parents made on the way too"
        );
        assert_eq!(mode(&mailbox.path_of(&id)), 0o600);
    }
}
