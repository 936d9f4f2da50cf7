//! The conversions every validated text newtype shares (`HubUsername`, `EmailAddress`,
//! `ExternalId`): each one only writes its own `parse`.

/// Implements `as_str`, `Display`, `FromStr`, `TryFrom<String>` and `Into<String>` for a tuple
/// struct over `String` that has `fn parse(&str) -> Result<Self, String>`.
macro_rules! validated_text {
    ($name:ident) => {
        impl $name {
            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}
pub(crate) use validated_text;
