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

/// A Hub account as a map key: the username as the Hub spells it, ordered and compared without
/// the case of its letters, as the Hub tells accounts apart. A map of them finds `Alice` under
/// `alice` in one descent of the tree ([`lookup`]) instead of a pass over every key, which is
/// what a leaver absent from most orgs costs the planner and every reconcile.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Account(String);

impl Account {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Ord for Account {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        fn caseless(s: &str) -> impl Iterator<Item = u8> + '_ {
            s.bytes().map(|b| b.to_ascii_lowercase())
        }
        caseless(&self.0).cmp(caseless(&other.0))
    }
}

impl PartialOrd for Account {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Account {
    fn eq(&self, other: &Self) -> bool {
        same_account(&self.0, &other.0)
    }
}

impl Eq for Account {}

impl std::ops::Deref for Account {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Account {
    fn from(name: &str) -> Account {
        Account(name.to_owned())
    }
}

impl From<String> for Account {
    fn from(name: String) -> Account {
        Account(name)
    }
}

/// The entry of `map` for `user`, however it is spelled, with the key as the Hub spells it.
pub fn lookup<'m, V>(
    map: &'m std::collections::BTreeMap<Account, V>,
    user: &str,
) -> Option<(&'m Account, &'m V)> {
    map.get_key_value(&Account::from(user))
}

#[cfg(test)]
mod tests {
    use super::{Account, HubUsername};

    #[test]
    fn accounts_order_without_case_and_keep_their_spelling() {
        let mut names: Vec<Account> = ["bob", "Alice", "alice2", "ALICE", "b"]
            .into_iter()
            .map(Account::from)
            .collect();
        names.sort();
        names.dedup();
        let names: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
        assert_eq!(names, ["Alice", "alice2", "b", "bob"]);
    }

    #[test]
    fn the_same_account_whatever_the_case_of_its_letters() {
        let alice = HubUsername::parse("Alice").expect("valid");
        assert!(alice.is("alice") && alice.is("ALICE") && alice.is("Alice"));
        assert!(!alice.is("alice2") && !alice.is("alic"));
        let map = std::collections::BTreeMap::from([("alice".into(), 1), ("Bobby".into(), 2)]);
        let found = super::lookup(&map, "Alice").map(|(name, n)| (name.as_str(), *n));
        assert_eq!(found, Some(("alice", 1)));
        let found = super::lookup(&map, "BOBBY").map(|(name, n)| (name.as_str(), *n));
        assert_eq!(
            found,
            Some(("Bobby", 2)),
            "the key keeps the Hub's spelling"
        );
        assert_eq!(super::lookup(&map, "bob"), None);
        assert_eq!(super::lookup(&map, "alice2"), None);
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
