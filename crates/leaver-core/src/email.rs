//! An email address, checked on construction.

use serde::{Deserialize, Serialize};

/// A plausible email address: `local@domain.tld`, no spaces, at most 254 characters, stored
/// lower-cased in its domain part so that `Bob@ACME.test` and `Bob@acme.test` are one address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses `raw` (surrounding whitespace is ignored) or says what is wrong with it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("is empty".into());
        }
        if raw.len() > 254 {
            return Err("is longer than 254 characters".into());
        }
        if raw
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        {
            return Err(format!(
                "{raw:?} contains a space or a character not allowed in an address"
            ));
        }
        let Some((local, domain)) = raw.rsplit_once('@') else {
            return Err(format!("{raw:?} has no '@'"));
        };
        if local.is_empty() || local.contains('@') {
            return Err(format!(
                "{raw:?} needs exactly one '@' with a name before it"
            ));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels
                .iter()
                .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
        {
            return Err(format!(
                "{raw:?} has no valid domain after '@' (like example.com)"
            ));
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }
}

impl EmailAddress {
    /// Whether both addresses reach one mailbox: compared without case, and without a
    /// `+tag` on the local part (`jane.doe+boss@acme.test` is `jane.doe@acme.test`).
    pub fn same_mailbox(&self, other: &EmailAddress) -> bool {
        self.mailbox().eq_ignore_ascii_case(&other.mailbox())
    }

    fn mailbox(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or((&self.0, ""));
        let local = local.split_once('+').map_or(local, |(base, _tag)| base);
        format!("{local}@{domain}")
    }
}

crate::text::validated_text!(EmailAddress);

#[cfg(test)]
mod tests {
    use super::EmailAddress;

    #[test]
    fn parses_and_lowercases_the_domain() {
        let email = EmailAddress::parse(" Bob@ACME.test ").expect("valid");
        assert_eq!(email.as_str(), "Bob@acme.test");
    }

    #[test]
    fn a_plus_tag_or_case_reaches_the_same_mailbox() {
        let jane = EmailAddress::parse("jane.doe@acme.test").expect("valid");
        for same in [
            "jane.doe+boss@acme.test",
            "JANE.DOE@ACME.test",
            "Jane.Doe+x+y@acme.test",
        ] {
            assert!(
                jane.same_mailbox(&EmailAddress::parse(same).expect("valid")),
                "{same}"
            );
        }
        for other in [
            "jane.doe@acme.example",
            "janedoe@acme.test",
            "jane.do@acme.test",
        ] {
            assert!(
                !jane.same_mailbox(&EmailAddress::parse(other).expect("valid")),
                "{other}"
            );
        }
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in [
            "",
            "bob",
            "bob@",
            "@acme.test",
            "bob@acme",
            "bob@@acme.test",
            "bo b@acme.test",
            "bob@acme..test",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }
}
