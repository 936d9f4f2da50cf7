//! Turns an [`Email`] into a MIME message: multipart/alternative with the text part first and
//! the HTML part second, `Date` and `Message-ID` set, and an `Auto-Submitted` header so
//! out-of-office robots do not answer.

use lettre::Message;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox as Address, MultiPart};

use crate::{AddressField, Email, MailError};

/// Parses an address for `field`, naming it in the error.
pub(crate) fn parse_address(field: AddressField, value: &str) -> Result<Address, MailError> {
    value
        .trim()
        .parse::<Address>()
        .map_err(|e| MailError::InvalidAddress {
            field,
            value: value.to_owned(),
            reason: e.to_string(),
        })
}

/// Builds the MIME message for `email` sent by `from`, to each of its comma-separated
/// recipients.
pub(crate) fn build(from: &Address, email: &Email) -> Result<Message, MailError> {
    let mut message = Message::builder().from(from.clone());
    for to in email.to.split(',') {
        message = message.to(parse_address(AddressField::To, to)?);
    }
    message
        .subject(crate::subject::one_clean_line(&email.subject))
        .message_id(None)
        .header(AutoSubmitted)
        .multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            email.html.clone(),
        ))
        .map_err(|e| MailError::InvalidAddress {
            field: AddressField::To,
            value: email.to.clone(),
            reason: e.to_string(),
        })
}

/// `Auto-Submitted: auto-generated` (RFC 3834): this mail is sent by a machine.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}
