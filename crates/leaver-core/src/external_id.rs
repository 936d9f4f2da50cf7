//! The id of the HR ticket a case comes from.

use serde::{Deserialize, Serialize};

/// The HR system's ticket id (`HR-1042`): 1 to 128 printable characters without spaces. Cases are
/// unique on it, which is what makes opening a case idempotent.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExternalId(String);

impl ExternalId {
    /// Parses `raw` (surrounding whitespace is ignored) or says what is wrong with it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let id = raw.trim();
        if id.is_empty() {
            return Err("is empty".into());
        }
        if id.chars().count() > 128 {
            return Err("is longer than 128 characters".into());
        }
        if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "{id:?} may not contain spaces or control characters"
            ));
        }
        Ok(Self(id.to_owned()))
    }
}

crate::text::validated_text!(ExternalId);

#[cfg(test)]
mod tests {
    use super::ExternalId;

    #[test]
    fn accepts_ticket_ids_and_rejects_blank_or_spaced_ones() {
        assert_eq!(
            ExternalId::parse(" HR-1042 ").expect("valid").as_str(),
            "HR-1042"
        );
        assert!(ExternalId::parse("  ").is_err());
        assert!(ExternalId::parse("HR 1042").is_err());
        assert!(ExternalId::parse(&"x".repeat(129)).is_err());
    }
}
