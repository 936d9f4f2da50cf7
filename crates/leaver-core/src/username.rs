//! A Hugging Face username, checked on construction against the Hub's rules.

use serde::{Deserialize, Serialize};

/// A valid Hub username: 2 to 42 characters, ASCII letters, digits and single dashes (or
/// underscores and dots inside the name, which older accounts carry), not starting or ending with
/// a dash, not only digits, and not a 24-character hex string (those are Hub object ids).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HubUsername(String);

impl HubUsername {
    /// Parses `raw` (surrounding whitespace is ignored) or says which rule it breaks.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        let len = name.chars().count();
        if !(2..=42).contains(&len) {
            return Err(format!("must be 2 to 42 characters, got {len}"));
        }
        if let Some(bad) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(format!(
                "may hold only letters, digits, '-', '_' and '.', not {bad:?}"
            ));
        }
        if name.starts_with(['-', '_', '.']) || name.ends_with(['-', '_', '.']) {
            return Err("may not start or end with '-', '_' or '.'".into());
        }
        if name.contains("--") {
            return Err("may not contain two dashes in a row".into());
        }
        if name.chars().all(|c| c.is_ascii_digit()) {
            return Err("may not be only digits".into());
        }
        if len == 24 && name.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err("may not be a 24-character hex id".into());
        }
        Ok(Self(name.to_owned()))
    }
}

crate::text::validated_text!(HubUsername);

impl HubUsername {
    /// Whether `other` names the same Hub account: the Hub finds accounts whatever the case of
    /// the letters (`/api/users/Alice/overview` answers for `alice`), so Leaver compares usernames
    /// the same way everywhere it compares them.
    pub fn is(&self, other: &str) -> bool {
        same_account(&self.0, other)
    }
}

/// Whether two usernames name the same Hub account (ASCII letters compared without case; a
/// username holds nothing else).
pub fn same_account(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The entry of `map` (keyed by username as the Hub spells it) for `user`, however it is spelled.
pub fn lookup<'m, V>(
    map: &'m std::collections::BTreeMap<String, V>,
    user: &str,
) -> Option<(&'m String, &'m V)> {
    map.get_key_value(user)
        .or_else(|| map.iter().find(|(name, _)| same_account(name, user)))
}

#[cfg(test)]
mod tests {
    use super::HubUsername;

    #[test]
    fn the_same_account_whatever_the_case_of_its_letters() {
        let alice = HubUsername::parse("Alice").expect("valid");
        assert!(alice.is("alice") && alice.is("ALICE") && alice.is("Alice"));
        assert!(!alice.is("alice2") && !alice.is("alic"));
        let map = std::collections::BTreeMap::from([("alice".to_owned(), 1)]);
        assert_eq!(
            super::lookup(&map, "Alice"),
            Some((&"alice".to_owned(), &1))
        );
        assert_eq!(super::lookup(&map, "bob"), None);
    }

    #[test]
    fn accepts_names_the_hub_accepts() {
        for ok in [
            "bob",
            "julien-c",
            "TheBloke",
            "a1",
            "sentence_transformers",
            "x.y",
        ] {
            assert!(HubUsername::parse(ok).is_ok(), "{ok} should parse");
        }
    }

    #[test]
    fn rejects_names_the_hub_rejects_with_the_rule_broken() {
        let cases = [
            ("b", "2 to 42"),
            ("-bob", "start or end"),
            ("bob-", "start or end"),
            ("bo--b", "two dashes"),
            ("12345", "only digits"),
            ("5f0c1a2b3c4d5e6f7a8b9c0d", "hex id"),
            ("bob smith", "not ' '"),
            ("bob@acme", "not '@'"),
        ];
        for (bad, why) in cases {
            let err = HubUsername::parse(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
