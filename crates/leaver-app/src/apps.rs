//! `[[apps]]`: the SCIM apps beside the Hub a leaver is deprovisioned from, as the TOML file
//! spells them, and the engine's connectors made from them. The bearer token never sits in the
//! file: `token_env` names the environment variable that holds it. A bad entry is refused with
//! its index and field (`apps[1].match: ...`), by `leaver check` and by `serve`.

use anyhow::Context;
use leaver_core::plan::apps::AppAction;
use leaver_engine::AppConnector;
use leaver_scim_client::{MatchBy, ScimClient};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use url::Url;

/// One `[[apps]]` entry.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppSetting {
    /// A short name, unique among the apps; steps target `app:<name>`.
    pub name: String,
    /// The connector: `scim` (SCIM 2.0, RFC 7644), the only one.
    pub kind: String,
    /// The app's SCIM base URL (`https://api.15five.com/scim/v2`).
    pub base_url: String,
    /// The environment variable holding the app's bearer token.
    pub token_env: String,
    /// `deactivate` (the default: `active: false`) or `delete`.
    #[serde(default = "deactivate")]
    pub action: String,
    /// The attribute compared with the ticket's email: `userName` (the default), `emails` or
    /// `externalId`.
    #[serde(default = "user_name", rename = "match")]
    pub match_by: String,
    /// The token itself, for embedders and tests; the file cannot set it (`token_env` does).
    #[serde(skip)]
    pub token: Option<SecretString>,
}

fn deactivate() -> String {
    AppAction::Deactivate.as_str().into()
}

fn user_name() -> String {
    MatchBy::UserName.as_str().into()
}

/// The connectors of every `[[apps]]` entry, or the first entry's problem, named.
pub(crate) fn connectors(apps: &[AppSetting]) -> anyhow::Result<Vec<AppConnector>> {
    let mut seen = std::collections::HashSet::new();
    apps.iter()
        .enumerate()
        .map(|(n, app)| {
            anyhow::ensure!(
                seen.insert(app.name.to_ascii_lowercase()),
                "apps[{n}].name: {:?} names two apps",
                app.name
            );
            connector(n, app)
        })
        .collect()
}

/// The longest app name: it names the app's steps (`app:<name>`) on pages and in the audit.
const MAX_NAME: usize = 64;

/// One entry's connector, with errors that say which entry and field.
fn connector(n: usize, app: &AppSetting) -> anyhow::Result<AppConnector> {
    let at = |field: &str| format!("apps[{n}].{field}");
    let name_ok = (1..=MAX_NAME).contains(&app.name.len())
        && app
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    anyhow::ensure!(
        name_ok,
        "{}: {:?} must be 1 to {MAX_NAME} letters, digits, '-', '_' or '.'",
        at("name"),
        app.name
    );
    anyhow::ensure!(
        app.kind == "scim",
        "{}: {:?} is not a known kind (scim)",
        at("kind"),
        app.kind
    );
    let base_url = Url::parse(&app.base_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .with_context(|| {
            format!(
                "{}: {:?} is not an http(s) URL",
                at("base_url"),
                app.base_url
            )
        })?;
    let action = AppAction::parse(&app.action).with_context(|| {
        format!(
            "{}: {:?} is not deactivate or delete",
            at("action"),
            app.action
        )
    })?;
    let match_by = MatchBy::parse(&app.match_by).with_context(|| {
        format!(
            "{}: {:?} is not userName, emails or externalId",
            at("match"),
            app.match_by
        )
    })?;
    let token = token(app).with_context(|| at("token_env"))?;
    let client = ScimClient::new(&base_url, token)
        .map_err(|e| anyhow::anyhow!("{}: {e}", at("base_url")))?;
    Ok(AppConnector {
        name: app.name.clone(),
        action,
        match_by,
        client,
    })
}

/// The bearer token: given (tests), else read from the variable `token_env` names.
fn token(app: &AppSetting) -> anyhow::Result<SecretString> {
    if let Some(token) = &app.token {
        return Ok(token.clone());
    }
    anyhow::ensure!(
        !app.token_env.trim().is_empty(),
        "name the environment variable holding {}'s bearer token",
        app.name
    );
    match std::env::var(app.token_env.trim()) {
        Ok(token) if !token.trim().is_empty() => Ok(token.trim().to_owned().into()),
        _ => anyhow::bail!(
            "{} is not set: it must hold {}'s SCIM bearer token",
            app.token_env,
            app.name
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(edit: impl Fn(&mut AppSetting)) -> Vec<AppSetting> {
        let mut app = AppSetting {
            name: "15five".into(),
            kind: "scim".into(),
            base_url: "https://api.15five.test/scim/v2".into(),
            token_env: "UNUSED".into(),
            action: deactivate(),
            match_by: user_name(),
            token: Some("t".to_owned().into()),
        };
        edit(&mut app);
        vec![app]
    }

    /// An edit that spoils one field, and the start of the problem it must cause.
    type Spoiled = (fn(&mut AppSetting), &'static str);

    fn problem(apps: &[AppSetting]) -> String {
        format!("{:#}", connectors(apps).expect_err("refused"))
    }

    #[test]
    fn each_bad_field_is_named_with_its_entry() {
        assert!(connectors(&entry(|_| {})).is_ok());
        let cases: [Spoiled; 7] = [
            (|a| a.name = "a".repeat(65), "apps[0].name"),
            (|a| a.kind = "ldap".into(), "apps[0].kind"),
            (|a| a.base_url = "ftp://x".into(), "apps[0].base_url"),
            (|a| a.action = "suspend".into(), "apps[0].action"),
            (|a| a.match_by = "mail".into(), "apps[0].match"),
            (|a| a.name = "a b".into(), "apps[0].name"),
            (
                |a| {
                    a.token = None;
                    a.token_env = "LEAVER_TEST_SURELY_UNSET_TOKEN".into();
                },
                "apps[0].token_env: LEAVER_TEST_SURELY_UNSET_TOKEN is not set",
            ),
        ];
        for (edit, named) in cases {
            let found = problem(&entry(edit));
            assert!(found.starts_with(named), "{found}");
        }
        let mut two = entry(|_| {});
        two.extend(entry(|a| a.name = "15FIVE".into()));
        assert!(problem(&two).starts_with("apps[1].name"));
    }
}
