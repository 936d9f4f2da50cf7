//! Which attribute of a User identifies the person, and the `filter` that finds them by it
//! (RFC 7644 §3.4.2.2).

use leaver_scim::UserView;

/// The attribute compared with the person's address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchBy {
    /// `userName` (the default: most apps provision the work address as the user name).
    UserName,
    /// Any of `emails[].value`.
    Emails,
    /// `externalId` (the identity provider's id, where it is the address).
    ExternalId,
}

impl MatchBy {
    /// The name as configuration spells it: `userName`, `emails`, `externalId`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchBy::UserName => "userName",
            MatchBy::Emails => "emails",
            MatchBy::ExternalId => "externalId",
        }
    }

    /// Reads the configuration's spelling (compared without case).
    pub fn parse(raw: &str) -> Option<MatchBy> {
        [MatchBy::UserName, MatchBy::Emails, MatchBy::ExternalId]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(raw.trim()))
    }

    /// The filter finding `value`: `userName eq "bob@acme.test"`, the value quoted as a JSON
    /// string (RFC 7644 §3.4.2.2), so quotes and backslashes in it cannot end it early.
    pub fn filter(self, value: &str) -> String {
        let attribute = match self {
            MatchBy::Emails => "emails.value",
            other => other.as_str(),
        };
        let quoted = serde_json::Value::String(value.to_owned()).to_string();
        format!("{attribute} eq {quoted}")
    }

    /// Whether `user` carries `value` in this attribute (without case: the filter's `eq`
    /// compares `userName` and `emails` case-insensitively, and an app may be laxer still).
    pub fn matches(self, user: &UserView, value: &str) -> bool {
        let same = |s: &str| s.trim().eq_ignore_ascii_case(value.trim());
        match self {
            MatchBy::UserName => same(&user.user_name),
            MatchBy::Emails => user.emails.iter().any(|e| same(&e.value)),
            MatchBy::ExternalId => user.external_id.as_deref().is_some_and(same),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_quotes_its_value_as_json() {
        assert_eq!(
            MatchBy::Emails.filter(r#"a"b\c@x"#),
            r#"emails.value eq "a\"b\\c@x""#
        );
        assert_eq!(MatchBy::parse("EMAILS"), Some(MatchBy::Emails));
        assert_eq!(MatchBy::parse("mail"), None);
    }
}
