//! Seed types for repositories and their gated-access requests.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The kind of a repository.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum RepoType {
    /// A model (`/api/models`).
    #[default]
    Model,
    /// A dataset (`/api/datasets`).
    Dataset,
    /// A space (`/api/spaces`).
    Space,
}

impl RepoType {
    /// The singular name used in payloads (`model`, `dataset`, `space`).
    pub fn as_str(self) -> &'static str {
        match self {
            RepoType::Model => "model",
            RepoType::Dataset => "dataset",
            RepoType::Space => "space",
        }
    }

    /// Parses the plural path segment (`models`, `datasets`, `spaces`).
    pub fn from_plural(segment: &str) -> Option<RepoType> {
        match segment {
            "models" => Some(RepoType::Model),
            "datasets" => Some(RepoType::Dataset),
            "spaces" => Some(RepoType::Space),
            _ => None,
        }
    }
}

/// A repository's gate: `false`, `"auto"` or `"manual"` on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Gated {
    /// Not gated.
    #[default]
    Off,
    /// Requests are accepted automatically.
    Auto,
    /// Requests wait for a reviewer.
    Manual,
}

impl Gated {
    /// The wire value: `false`, `"auto"` or `"manual"`.
    pub fn to_json(self) -> serde_json::Value {
        match self {
            Gated::Off => serde_json::Value::Bool(false),
            Gated::Auto => "auto".into(),
            Gated::Manual => "manual".into(),
        }
    }

    /// Whether the repo has a gate at all.
    pub fn is_on(self) -> bool {
        self != Gated::Off
    }
}

impl Serialize for Gated {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Gated {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Flag(bool),
            Mode(String),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Flag(false) => Ok(Gated::Off),
            // `true` has no mode on the Hub; treat it as the common manual review.
            Wire::Flag(true) => Ok(Gated::Manual),
            Wire::Mode(m) if m == "auto" => Ok(Gated::Auto),
            Wire::Mode(m) if m == "manual" => Ok(Gated::Manual),
            Wire::Mode(m) => Err(serde::de::Error::custom(format!(
                "gated must be false, \"auto\" or \"manual\", not {m:?}"
            ))),
        }
    }
}

/// A repository.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RepoSeed {
    /// `namespace/name`.
    pub id: String,
    /// `model`, `dataset` or `space`.
    #[serde(rename = "type")]
    pub repo_type: RepoType,
    /// Private repos are visible to members of the owning org only.
    pub private: bool,
    /// The gate.
    pub gated: Gated,
    /// Whether the repo is disabled.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    /// Storage in bytes (for `/settings/repositories`).
    #[serde(skip_serializing_if = "is_zero")]
    pub storage: u64,
    /// ISO-8601 last update; a fixed date when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Name of the org resource group the repo belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
    /// Gated-access requests.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_requests: Vec<AccessRequestSeed>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl RepoSeed {
    /// The namespace (user or org) part of the id.
    pub fn namespace(&self) -> &str {
        self.id.split_once('/').map_or("", |(ns, _)| ns)
    }
}

/// Status of a gated-access request.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    /// Waiting for review.
    #[default]
    Pending,
    /// Access granted.
    Accepted,
    /// Access refused; the user cannot ask again.
    Rejected,
}

impl RequestStatus {
    /// Parses a path segment or body value.
    pub fn parse(s: &str) -> Option<RequestStatus> {
        match s {
            "pending" => Some(RequestStatus::Pending),
            "accepted" => Some(RequestStatus::Accepted),
            "rejected" => Some(RequestStatus::Rejected),
            _ => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Accepted => "accepted",
            RequestStatus::Rejected => "rejected",
        }
    }
}

/// One user's access request on one gated repo.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct AccessRequestSeed {
    /// Requesting username.
    pub user: String,
    /// Current status.
    pub status: RequestStatus,
    /// ISO-8601 request time; a fixed date when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Answers to the gate form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<serde_json::Value>,
    /// Granted by an admin without a request (`grant`): the list then omits the email.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub granted: bool,
}
