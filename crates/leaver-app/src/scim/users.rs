//! The Users endpoint's use cases: create, get, list (filter and paging), replace (PUT), patch
//! and delete. Each write is checked whole before anything is stored (a bad body writes
//! nothing), stored with its audit record, then handed to [`super::deprovision`] when it
//! deprovisions or reactivates the user.

use super::{SCIM_USER_CREATED, SCIM_USER_DELETED, SCIM_USER_UPDATED, ScimCaller, scim_error};
use crate::Leaver;
use leaver_scim::user::{Meta, answered, normalize};
use leaver_scim::{Filter, ListResponse, Paging, PatchOp, ScimError, UserView};
use leaver_store::{ScimAudit, ScimUser, ScimUserStore};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The service's base URL as callers reach it (`https://leaver.example/scim/v2`), for
/// `meta.location`.
#[derive(Clone, Debug)]
pub struct ScimEndpoint(pub String);

type Answer<T> = std::result::Result<T, ScimError>;

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// The stored user as answered, with `id` and `meta`.
fn answer(base: &ScimEndpoint, user: &ScimUser) -> Value {
    let meta = Meta {
        id: user.scim_id.clone(),
        created: rfc3339(user.created_at),
        last_modified: rfc3339(user.updated_at),
        version: user.version,
        location: format!("{}/Users/{}", base.0, user.scim_id),
    };
    answered(&user.resource, &meta)
}

/// `previous` with the checked `resource` in place of its own, one version on.
fn row(
    previous: Option<&ScimUser>,
    resource: Value,
    view: &UserView,
    now: OffsetDateTime,
) -> ScimUser {
    ScimUser {
        scim_id: previous.map_or_else(|| uuid::Uuid::new_v4().to_string(), |p| p.scim_id.clone()),
        external_id: view.external_id.clone(),
        user_name: view.user_name.clone(),
        email: view.email().map(str::to_lowercase),
        active: view.active,
        hub_username: view.hub_username.clone(),
        successor: view.successor.clone(),
        manager_ref: view.manager.clone(),
        resource,
        version: previous.map_or(1, |p| p.version + 1),
        created_at: previous.map_or(now, |p| p.created_at),
        updated_at: now,
        case_id: previous.and_then(|p| p.case_id.clone()),
    }
}

fn what(user: &ScimUser) -> Value {
    json!({"scim_id": user.scim_id, "user_name": user.user_name, "active": user.active})
}

fn taken(user_name: &str) -> ScimError {
    ScimError::uniqueness("userName", format!("{user_name:?} is another user's"))
}

impl Leaver {
    async fn stored_scim_user(&self, id: &str) -> Answer<ScimUser> {
        self.store
            .scim_user(id)
            .await
            .map_err(|e| scim_error(e.into()))?
            .ok_or_else(|| ScimError::not_found(id))
    }

    /// `POST /Users`: stores the user (a taken userName is 409 `uniqueness`).
    pub async fn scim_create_user(
        &self,
        caller: &ScimCaller,
        base: &ScimEndpoint,
        body: Value,
    ) -> Answer<Value> {
        let mut resource = body;
        let view = normalize(&mut resource)?;
        let user = row(None, resource, &view, self.now());
        let actor = caller.actor();
        let audit = ScimAudit {
            actor: &actor,
            kind: SCIM_USER_CREATED,
            data: what(&user),
        };
        if !self
            .store
            .insert_scim_user(&user, audit)
            .await
            .map_err(|e| scim_error(e.into()))?
        {
            return Err(taken(&user.user_name));
        }
        Ok(answer(base, &user))
    }

    /// `GET /Users/{id}`.
    pub async fn scim_get_user(&self, base: &ScimEndpoint, id: &str) -> Answer<Value> {
        Ok(answer(base, &self.stored_scim_user(id).await?))
    }

    /// `GET /Users?filter=...&startIndex=...&count=...`: the roster, oldest first, filtered, one
    /// page of it.
    pub async fn scim_list_users(
        &self,
        base: &ScimEndpoint,
        filter: Option<&str>,
        paging: Paging,
    ) -> Answer<Value> {
        let filter = filter
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(Filter::parse)
            .transpose()?;
        let all = self
            .store
            .list_scim_users()
            .await
            .map_err(|e| scim_error(e.into()))?;
        let matching: Vec<Value> = all
            .iter()
            .map(|u| answer(base, u))
            .filter(|r| filter.as_ref().is_none_or(|f| f.matches(r)))
            .collect();
        Ok(ListResponse {
            total_results: matching.len(),
            start_index: paging.start_index,
            resources: paging.slice(&matching).to_vec(),
        }
        .to_json())
    }

    /// `PUT /Users/{id}`: the whole user replaced.
    pub async fn scim_replace_user(
        &self,
        caller: &ScimCaller,
        base: &ScimEndpoint,
        id: &str,
        body: Value,
    ) -> Answer<Value> {
        let previous = self.stored_scim_user(id).await?;
        let mut resource = body;
        let view = normalize(&mut resource)?;
        self.scim_write(caller, base, previous, resource, &view)
            .await
    }

    /// `PATCH /Users/{id}`: the operations applied to the stored user, the result checked whole.
    pub async fn scim_patch_user(
        &self,
        caller: &ScimCaller,
        base: &ScimEndpoint,
        id: &str,
        body: Value,
    ) -> Answer<Value> {
        let patch = PatchOp::parse(&body)?;
        let previous = self.stored_scim_user(id).await?;
        let mut resource = previous.resource.clone();
        patch.apply(&mut resource)?;
        let view = normalize(&mut resource)?;
        self.scim_write(caller, base, previous, resource, &view)
            .await
    }

    async fn scim_write(
        &self,
        caller: &ScimCaller,
        base: &ScimEndpoint,
        previous: ScimUser,
        resource: Value,
        view: &UserView,
    ) -> Answer<Value> {
        let mut user = row(Some(&previous), resource, view, self.now());
        let actor = caller.actor();
        let data = json!({"scim_id": user.scim_id, "user_name": user.user_name,
            "active": {"from": previous.active, "to": user.active}});
        let audit = ScimAudit {
            actor: &actor,
            kind: SCIM_USER_UPDATED,
            data,
        };
        if !self
            .store
            .update_scim_user(&user, audit)
            .await
            .map_err(|e| scim_error(e.into()))?
        {
            let now = self.stored_scim_user(&user.scim_id).await?;
            return Err(if now.version == previous.version {
                taken(&user.user_name)
            } else {
                ScimError::status(409, "the user changed meanwhile; read it again")
            });
        }
        // A deprovisioned user whose case could not open (no manager, a bad hubUsername) is
        // tried again when the IdP sends what was missing; a case waiting for the Hub username
        // gets the one the IdP sends.
        let completed = previous.case_id.is_none()
            && (user.hub_username != previous.hub_username
                || user.manager_ref != previous.manager_ref);
        if !user.active && (previous.active || completed) {
            user.case_id = self
                .scim_deprovision(caller, &user, "deprovisioned in the identity provider")
                .await;
        } else if !previous.active && user.active {
            self.scim_reactivated(caller, &user).await;
        } else if user.hub_username.is_some() && user.hub_username != previous.hub_username {
            self.scim_hub_username_arrived(caller, &user).await;
        }
        Ok(answer(base, &user))
    }

    /// `DELETE /Users/{id}`: the user leaves the roster; one not deprovisioned yet is now.
    pub async fn scim_delete_user(&self, caller: &ScimCaller, id: &str) -> Answer<()> {
        let actor = caller.actor();
        let audit = ScimAudit {
            actor: &actor,
            kind: SCIM_USER_DELETED,
            data: json!({"scim_id": id}),
        };
        let deleted = self
            .store
            .delete_scim_user(id, audit, self.now())
            .await
            .map_err(|e| scim_error(e.into()))?
            .ok_or_else(|| ScimError::not_found(id))?;
        if deleted.case_id.is_none() {
            self.scim_deprovision(caller, &deleted, "deleted in the identity provider")
                .await;
        }
        Ok(())
    }
}
