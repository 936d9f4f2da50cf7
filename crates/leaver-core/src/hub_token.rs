//! A raw Hub access token that Leaver was handed to revoke (by a secret scanner, say). The value
//! is never shown: `Debug` and `Display` give its fingerprint, which tells tokens apart without
//! revealing them.

use sha2::{Digest, Sha256};
use std::fmt;

/// A token value as the Hub issues them: `hf_` and then letters, digits or `_`.
#[derive(Clone, PartialEq, Eq)]
pub struct HubTokenValue(String);

impl HubTokenValue {
    /// Checks the shape; the error says what is wrong without repeating the value.
    pub fn parse(raw: &str) -> Result<HubTokenValue, String> {
        let raw = raw.trim();
        let Some(rest) = raw.strip_prefix("hf_") else {
            return Err("must start with hf_".into());
        };
        if !(8..=200).contains(&rest.len()) {
            return Err("must hold 8 to 200 characters after hf_".into());
        }
        if !rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err("may hold only letters, digits and _ after hf_".into());
        }
        Ok(HubTokenValue(raw.to_owned()))
    }

    /// The value itself, for the one call that revokes it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `hf_…` and the last four characters, plus the first 8 hex digits of its SHA-256.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        let last4 = &self.0[self.0.len() - 4..];
        format!("hf_…{last4} sha256:{hash}")
    }
}

impl fmt::Debug for HubTokenValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HubTokenValue({})", self.fingerprint())
    }
}

impl fmt::Display for HubTokenValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fingerprint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_shaped_values_parse_and_others_say_why_not() {
        assert!(HubTokenValue::parse("hf_AbCdEfGh1234").is_ok());
        assert!(HubTokenValue::parse("  hf_bob_personal_1 \n").is_ok());
        for (bad, why) in [
            ("ghp_abcdefgh1234", "start with hf_"),
            ("hf_short", "8 to 200"),
            ("hf_has space inside", "letters, digits"),
        ] {
            let error = HubTokenValue::parse(bad).expect_err(bad);
            assert!(error.contains(why), "{bad}: {error}");
            assert!(!error.contains(bad), "the error never repeats the value");
        }
    }

    #[test]
    fn the_value_never_shows_only_its_fingerprint() {
        let token = HubTokenValue::parse("hf_SecretValue9876").expect("token");
        let shown = format!("{token} {token:?}");
        assert!(!shown.contains("SecretValue"), "{shown}");
        assert!(shown.contains("hf_…9876 sha256:"), "{shown}");
        assert_ne!(
            token.fingerprint(),
            HubTokenValue::parse("hf_OtherValue9876")
                .expect("token")
                .fingerprint()
        );
    }
}
