//! What a step acts on: an org, one of its repos, the person, one of the SCIM apps beside the
//! Hub, or the case as a whole.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of a Hub repository, as its URL segment spells it (`models`, `datasets`, `spaces`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepoType {
    Model,
    Dataset,
    Space,
}

impl RepoType {
    /// The singular name (`model`), as targets and the seed spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            RepoType::Model => "model",
            RepoType::Dataset => "dataset",
            RepoType::Space => "space",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "model" => Some(RepoType::Model),
            "dataset" => Some(RepoType::Dataset),
            "space" => Some(RepoType::Space),
            _ => None,
        }
    }
}

/// The object one step changes. Written as text: `org:acme-ai`, `model:acme-ai/llama-ft`,
/// `person:bob`, `app:1password`, `case`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Target {
    /// A Hub organization, by name.
    Org(String),
    /// One repository, by type and `namespace/name` id.
    Repo { repo_type: RepoType, id: String },
    /// The leaver themself (their tokens).
    Person(String),
    /// One SCIM app beside the Hub, by its configured name (`[[apps]]`).
    App(String),
    /// The case as a whole (verification).
    Case,
}

impl Target {
    /// The org this target belongs to, if any: steps on one org are ordered among themselves.
    pub fn org(&self) -> Option<&str> {
        match self {
            Target::Org(org) => Some(org),
            Target::Repo { id, .. } => id.split_once('/').map(|(namespace, _)| namespace),
            Target::Person(_) | Target::App(_) | Target::Case => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Target::Org(org) => format!("org:{org}"),
            Target::Repo { repo_type, id } => format!("{}:{id}", repo_type.as_str()),
            Target::Person(user) => format!("person:{user}"),
            Target::App(app) => format!("app:{app}"),
            Target::Case => "case".to_owned(),
        };
        f.pad(&text)
    }
}

impl FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "case" {
            return Ok(Target::Case);
        }
        let (prefix, rest) = s
            .split_once(':')
            .ok_or_else(|| format!("target {s:?} has no kind prefix"))?;
        if rest.is_empty() {
            return Err(format!("target {s:?} names nothing"));
        }
        match prefix {
            "org" => Ok(Target::Org(rest.to_owned())),
            "person" => Ok(Target::Person(rest.to_owned())),
            "app" => Ok(Target::App(rest.to_owned())),
            other => match RepoType::parse(other) {
                Some(repo_type) if rest.contains('/') => Ok(Target::Repo {
                    repo_type,
                    id: rest.to_owned(),
                }),
                _ => Err(format!(
                    "target {s:?} is not org:, person:, app:, model:, dataset:, space: or case"
                )),
            },
        }
    }
}

impl TryFrom<String> for Target {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Target> for String {
    fn from(value: Target) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_round_trip_through_text() {
        let targets = [
            Target::Org("acme-ai".into()),
            Target::Repo {
                repo_type: RepoType::Dataset,
                id: "acme-ai/faces".into(),
            },
            Target::Person("bob".into()),
            Target::App("1password".into()),
            Target::Case,
        ];
        for target in targets {
            assert_eq!(target.to_string().parse::<Target>(), Ok(target));
        }
    }

    #[test]
    fn a_repo_belongs_to_its_namespace() {
        let repo: Target = "model:acme-ai/llama-ft".parse().expect("valid");
        assert_eq!(repo.org(), Some("acme-ai"));
        assert!("model:no-slash".parse::<Target>().is_err());
        assert!("planet:earth".parse::<Target>().is_err());
    }
}
