//! The SCIM apps beside the Hub (`[[apps]]`), as the engine reaches them: one
//! [`AppConnector`] per app (its client, its action and the attribute that identifies a
//! person), and reads of the leaver there, found by their email ([`AppRead`]), which the
//! planner (`leaver_core::plan::apps`), the `deprovision_app` step and `verify` share.

use crate::outcome::StepError;
use futures_util::{StreamExt, TryStreamExt, stream};
use leaver_core::Case;
use leaver_core::plan::apps::{AppAccount, AppAction, AppFacts};
use leaver_scim_client::{MatchBy, RemoteUser, ScimClient, ScimClientError};
use serde_json::{Value, json};

/// How many apps are read side by side.
const APPS_AT_ONCE: usize = 4;

/// One configured app.
#[derive(Clone, Debug)]
pub struct AppConnector {
    /// Its name in the configuration (the step's target is `app:<name>`).
    pub name: String,
    pub action: AppAction,
    /// Which attribute holds the person's email.
    pub match_by: MatchBy,
    pub client: ScimClient,
}

/// What one read of an app found of the leaver.
#[derive(Clone, Debug)]
pub struct AppRead {
    pub facts: AppFacts,
    pub user: Option<RemoteUser>,
}

impl AppConnector {
    /// Finds the leaver of `case` in the app, by their email.
    pub async fn read(&self, case: &Case) -> Result<AppRead, ScimClientError> {
        let user = self
            .client
            .find_user(self.match_by, case.person.email.as_str())
            .await?;
        Ok(self.read_as(user))
    }

    /// What `user` (the leaver as the app shows them, or nobody) means for the plan.
    pub fn read_as(&self, user: Option<RemoteUser>) -> AppRead {
        let account = user.as_ref().map(|u| AppAccount {
            id: u.id.clone(),
            active: u.view.active,
        });
        AppRead {
            facts: AppFacts {
                name: self.name.clone(),
                action: self.action,
                account,
            },
            user,
        }
    }
}

/// Every configured app, read now for the leaver of `case`; a failure of any is the error
/// (transient ones are retried with the job or step that read).
pub(crate) async fn read_all(
    apps: &[AppConnector],
    case: &Case,
) -> Result<Vec<AppRead>, StepError> {
    let reads: Vec<_> = apps.iter().map(|app| app.read(case)).collect();
    Ok(stream::iter(reads)
        .buffered(APPS_AT_ONCE)
        .try_collect()
        .await?)
}

/// The reads' facts alone.
pub(crate) fn facts(reads: &[AppRead]) -> Vec<AppFacts> {
    reads.iter().map(|r| r.facts.clone()).collect()
}

/// A User in evidence: its id, `userName` and `active`, not the whole resource (which may hold
/// more about the person than the record needs).
pub(crate) fn user_evidence(user: Option<&RemoteUser>) -> Value {
    match user {
        None => Value::Null,
        Some(u) => json!({ "id": u.id, "userName": u.view.user_name, "active": u.view.active }),
    }
}

/// What the reads found, one entry per app, for audit details and evidence.
pub(crate) fn evidence(reads: &[AppRead]) -> Value {
    json!(
        reads
            .iter()
            .map(|r| json!({
                "app": r.facts.name,
                "action": r.facts.action,
                "found": r.facts.finding(),
                "user": user_evidence(r.user.as_ref()),
            }))
            .collect::<Vec<_>>()
    )
}
