//! Who a deprovisioned SCIM user is to the case: their name, their manager's address (the
//! enterprise `manager` reference: a roster user by SCIM id, externalId or userName, or an
//! address as it stands) and their Hub username (Leaver's extension, else the Hub's own SCIM
//! users of a managed org carrying their address).

use crate::Leaver;
use leaver_hub::types::ScimBase;
use leaver_store::{ScimUser, ScimUserStore};
use serde_json::Value;

fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl Leaver {
    /// `displayName`, else `name.formatted`, else given and family names.
    pub(crate) fn scim_display_name(&self, user: &ScimUser) -> Option<String> {
        let r = &user.resource;
        text(r.get("displayName"))
            .or_else(|| text(r.pointer("/name/formatted")))
            .or_else(|| {
                let parts: Vec<String> =
                    [r.pointer("/name/givenName"), r.pointer("/name/familyName")]
                        .into_iter()
                        .filter_map(text)
                        .collect();
                (!parts.is_empty()).then(|| parts.join(" "))
            })
    }

    /// The manager's address: the reference as it stands when it is an address, else the
    /// address of the roster user it names.
    pub(crate) async fn scim_manager_email(&self, user: &ScimUser) -> Option<String> {
        let reference = user.manager_ref.as_deref()?.trim();
        if reference.contains('@') {
            return Some(reference.to_owned());
        }
        if let Ok(Some(manager)) = self.store.scim_user(reference).await {
            return manager.email;
        }
        let roster = self.store.list_scim_users().await.ok()?;
        roster
            .into_iter()
            .find(|u| {
                u.external_id.as_deref() == Some(reference)
                    || u.user_name.eq_ignore_ascii_case(reference)
            })
            .and_then(|u| u.email)
    }

    /// The Hub username: Leaver's extension, else the `userName` of the managed-SSO SCIM user
    /// of a managed org whose emails hold the person's address; else why none came.
    pub(crate) async fn scim_hub_username(&self, user: &ScimUser) -> HubUsernameFound {
        if let Some(name) = &user.hub_username {
            return HubUsernameFound::Named(name.clone());
        }
        let Some(email) = user.email.as_deref() else {
            return HubUsernameFound::Unknown(vec!["the user has no email address".into()]);
        };
        let Some(hub) = self.lookup.as_ref() else {
            return HubUsernameFound::Unknown(vec!["Leaver has no Hub token to ask with".into()]);
        };
        let filter = format!("emails eq \"{}\"", email.replace('"', ""));
        let mut said = Vec::new();
        for org in &self.settings.orgs {
            match hub.scim_users(org, ScimBase::Managed, Some(&filter)).await {
                Ok(found) => match found
                    .into_iter()
                    .find(|u| u.emails.iter().any(|e| e.value.eq_ignore_ascii_case(email)))
                {
                    Some(found) => return HubUsernameFound::Named(found.user_name),
                    None => said.push(format!("{org}: no SCIM user with that address")),
                },
                Err(error) => {
                    tracing::warn!(%org, %error, "the org's SCIM users could not be read");
                    said.push(format!("{org}: the Hub could not answer ({error})"));
                }
            }
        }
        HubUsernameFound::Unknown(said)
    }
}

/// What asking for a deprovisioned user's Hub username gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HubUsernameFound {
    Named(String),
    /// Nobody said: what each place asked answered (the case waits for the name).
    Unknown(Vec<String>),
}
