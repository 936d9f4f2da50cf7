//! Repos: their type, gating, and the two listings Leaver reads.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A repo type; its URL segment is `models`, `datasets` or `spaces`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RepoType {
    /// A model repo.
    Model,
    /// A dataset repo.
    Dataset,
    /// A Space.
    Space,
}

impl RepoType {
    /// The URL segment: `models`, `datasets` or `spaces`.
    pub fn url_segment(self) -> &'static str {
        match self {
            Self::Model => "models",
            Self::Dataset => "datasets",
            Self::Space => "spaces",
        }
    }

    /// The singular name: `model`, `dataset` or `space`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Dataset => "dataset",
            Self::Space => "space",
        }
    }
}

impl fmt::Display for RepoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RepoType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "model" | "models" => Ok(Self::Model),
            "dataset" | "datasets" => Ok(Self::Dataset),
            "space" | "spaces" => Ok(Self::Space),
            other => Err(format!("unknown repo type {other:?}")),
        }
    }
}

/// A repo's gating: the Hub sends `false`, `"auto"` or `"manual"`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Gating {
    /// Not gated (`false`, or absent).
    #[default]
    NotGated,
    /// Requests are accepted automatically.
    Auto,
    /// Requests wait for a reviewer.
    Manual,
    /// A value this client does not know.
    Other(String),
}

impl Gating {
    /// Whether the repo is gated at all.
    pub fn is_gated(&self) -> bool {
        *self != Self::NotGated
    }
}

impl<'de> Deserialize<'de> for Gating {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Flag(bool),
            Mode(String),
            Null(()),
        }
        Ok(match Wire::deserialize(deserializer)? {
            Wire::Flag(false) | Wire::Null(()) => Self::NotGated,
            Wire::Flag(true) => Self::Other("true".into()),
            Wire::Mode(mode) => match mode.as_str() {
                "auto" => Self::Auto,
                "manual" => Self::Manual,
                "false" | "" => Self::NotGated,
                _ => Self::Other(mode),
            },
        })
    }
}

impl Serialize for Gating {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::NotGated => serializer.serialize_bool(false),
            Self::Auto => serializer.serialize_str("auto"),
            Self::Manual => serializer.serialize_str("manual"),
            Self::Other(mode) => serializer.serialize_str(mode),
        }
    }
}

/// One item of `GET /api/models|datasets|spaces?author=...&expand=...`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoInfo {
    /// `namespace/name`.
    pub id: String,
    /// The namespace.
    #[serde(default)]
    pub author: Option<String>,
    /// Private repo.
    #[serde(default)]
    pub private: Option<bool>,
    /// Gating mode.
    #[serde(default)]
    pub gated: Gating,
    /// Disabled by the Hub.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// The resource group holding the repo.
    #[serde(default)]
    pub resource_group: Option<RepoResourceGroup>,
    /// Last change (ISO-8601).
    #[serde(default)]
    pub last_modified: Option<String>,
}

/// The resource group of a repo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepoResourceGroup {
    /// Resource group id.
    #[serde(default)]
    pub id: Option<String>,
    /// Resource group name.
    #[serde(default)]
    pub name: Option<String>,
}

/// One item of `GET /api/organizations/{org}/settings/repositories`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgRepository {
    /// `namespace/name`.
    pub id: String,
    /// `model`, `dataset`, `space`, `bucket`, `kernel`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// `public`, `private` or `protected`.
    #[serde(default)]
    pub visibility: Option<String>,
    /// Last change (ISO-8601).
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Storage used, in bytes.
    #[serde(default)]
    pub storage: Option<u64>,
    /// Share of the org's storage.
    #[serde(default)]
    pub storage_percent: Option<f64>,
}

impl OrgRepository {
    /// The repo type, when it is one Leaver handles.
    pub fn repo_type(&self) -> Option<RepoType> {
        self.kind.as_deref().and_then(|k| k.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_gating_value_decodes() {
        let cases = [
            (json!(false), Gating::NotGated),
            (json!(null), Gating::NotGated),
            (json!("auto"), Gating::Auto),
            (json!("manual"), Gating::Manual),
            (json!("someday"), Gating::Other("someday".into())),
        ];
        for (wire, expected) in cases {
            let repo: RepoInfo =
                serde_json::from_value(json!({"id": "acme/x", "gated": wire})).expect("repo");
            assert_eq!(repo.gated, expected, "{wire}");
        }
        let bare: RepoInfo = serde_json::from_value(json!({"id": "acme/x"})).expect("repo");
        assert!(!bare.gated.is_gated());
        assert_eq!(
            serde_json::to_value(Gating::Manual).expect("json"),
            json!("manual")
        );
        assert_eq!(
            serde_json::to_value(Gating::NotGated).expect("json"),
            json!(false)
        );
    }

    #[test]
    fn repo_types_name_their_url_segment_and_parse_back() {
        for t in [RepoType::Model, RepoType::Dataset, RepoType::Space] {
            assert_eq!(t.url_segment(), format!("{t}s"));
            assert_eq!(t.as_str().parse::<RepoType>(), Ok(t));
        }
        assert!("bucket".parse::<RepoType>().is_err());
    }
}
