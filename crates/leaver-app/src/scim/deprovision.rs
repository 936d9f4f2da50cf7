//! What deprovisioning a SCIM user does to cases: it opens one (through the opening path every
//! door takes, with the external id `scim:<id>` so a repeat opens nothing new), and a
//! reactivation cancels it before any Hub write or tells the operators after one. When no Hub
//! username resolves (no `hubUsername`, and the Hub's managed-SSO users give none for the
//! address, or the Hub cannot answer), the case opens anyway and waits in `needs_attention`
//! for it (`leaver_core::awaiting_username`), with what each place asked answered in the audit
//! trail; the IdP sending `hubUsername` later, or an operator's case PATCH, sets it. A case that
//! cannot open (no manager resolves, the person has another open case, ...) does not fail the
//! IdP's request (it could not fix it): the refusal is audited and logged.

use super::ScimCaller;
use super::resolve::HubUsernameFound;
use crate::Leaver;
use leaver_core::{CaseId, CaseState, HubUsernameRule, Patch, TicketInput, TicketPatch};
use leaver_store::{Actor, ScimUser, ScimUserStore, Store};
use serde_json::{Value, json};

/// The reason a case is cancelled with when the IdP reactivates the person before any write.
pub const REACTIVATED_REASON: &str = "reactivated in the identity provider";

/// The audit kind of a deprovisioning that opened no case (no manager, another open case...).
pub const SCIM_CASE_NOT_OPENED: &str = "scim_case_not_opened";
/// The audit kind of a case opened waiting for the Hub username, with why none resolved.
pub const SCIM_HUB_USERNAME_UNKNOWN: &str = "scim_hub_username_unknown";
/// The audit kind of a `hubUsername` the IdP sent that could not be set on the waiting case.
pub const SCIM_HUB_USERNAME_NOT_SET: &str = "scim_hub_username_not_set";
/// The audit kind of a reactivation after the case began writing to the Hub.
pub const SCIM_REACTIVATED_AFTER_WRITE: &str = "scim_reactivated_after_write";

/// The external id of the case `scim_id`'s deprovisioning opens.
pub fn external_id_of(scim_id: &str) -> String {
    format!("scim:{scim_id}")
}

impl Leaver {
    /// Opens the case for `user`'s deprovisioning; its id, or `None` when none could open.
    pub(crate) async fn scim_deprovision(
        &self,
        caller: &ScimCaller,
        user: &ScimUser,
        why: &str,
    ) -> Option<String> {
        let actor = caller.actor();
        let mut external_id = external_id_of(&user.scim_id);
        // Deprovisioned again after a reactivation cancelled the first case: a new ticket.
        if let Some(previous) = user
            .case_id
            .as_deref()
            .and_then(|id| id.parse::<CaseId>().ok())
            && let Ok(case) = self.store.case(previous).await
            && case.state.is_closed()
        {
            external_id = format!("{external_id}:{}", user.version);
        }
        let found = self.scim_hub_username(user).await;
        let input = TicketInput {
            external_id: Some(external_id),
            email: user.email.clone().or_else(|| Some(user.user_name.clone())),
            name: self.scim_display_name(user),
            hub_username: match &found {
                HubUsernameFound::Named(name) => Some(name.clone()),
                HubUsernameFound::Unknown(_) => None,
            },
            manager_email: self.scim_manager_email(user).await,
            successor: user.successor.clone(),
            effective_at: None,
            reason: Some(why.to_owned()),
        };
        let opened = self
            .open_case_by(&input, false, HubUsernameRule::MayWait, &actor)
            .await;
        match opened {
            Ok(opened) => {
                let id = opened.case.id.to_string();
                if let Err(error) = self.store.set_scim_user_case(&user.scim_id, &id).await {
                    tracing::error!(%error, "could not note the SCIM user's case");
                }
                if let HubUsernameFound::Unknown(asked) = found
                    && opened.created
                {
                    let data = json!({"scim_id": user.scim_id, "user_name": user.user_name,
                        "email": user.email, "asked": asked});
                    let case = Some(opened.case.id);
                    self.scim_audit(case, &actor, SCIM_HUB_USERNAME_UNKNOWN, data)
                        .await;
                }
                Some(id)
            }
            Err(error) => {
                let error = error.to_string();
                tracing::warn!(scim_id = %user.scim_id, %error, "a SCIM deprovisioning opened no case");
                let data =
                    json!({"scim_id": user.scim_id, "user_name": user.user_name, "error": error});
                self.scim_audit(None, &actor, SCIM_CASE_NOT_OPENED, data)
                    .await;
                None
            }
        }
    }

    /// The IdP sent `hubUsername` for `user`: set on their case if it waits for one (else the
    /// case keeps the name it has: once known it does not change).
    pub(crate) async fn scim_hub_username_arrived(&self, caller: &ScimCaller, user: &ScimUser) {
        let (Some(name), Some(id)) = (
            user.hub_username.as_deref(),
            user.case_id
                .as_deref()
                .and_then(|id| id.parse::<CaseId>().ok()),
        ) else {
            return;
        };
        match self.store.case(id).await {
            Ok(case) if case.awaits_hub_username() && !case.state.is_closed() => {}
            Ok(_) => return,
            Err(error) => {
                tracing::error!(%error, case = %id, "could not read the SCIM user's case");
                return;
            }
        }
        let patch = TicketPatch {
            hub_username: Patch::Set(name.to_owned()),
            ..TicketPatch::default()
        };
        let actor = caller.actor();
        if let Err(error) = self.update_case(id, &patch, &actor).await {
            let error = error.to_string();
            tracing::warn!(case = %id, %error, "the IdP's hubUsername could not be set on the case");
            let data = json!({"scim_id": user.scim_id, "hub_username": name, "error": error});
            self.scim_audit(Some(id), &actor, SCIM_HUB_USERNAME_NOT_SET, data)
                .await;
        }
    }

    /// Appends an audit record of a SCIM outcome the IdP is not answered with; a failure to
    /// record it is logged.
    async fn scim_audit(&self, case: Option<CaseId>, actor: &Actor, kind: &str, data: Value) {
        if let Err(error) = self
            .store
            .append_audit(case, actor, kind, data, self.now())
            .await
        {
            tracing::error!(%error, kind, "could not audit a SCIM outcome");
        }
    }

    /// `user` is active again: their open case is cancelled if it has not written to the Hub,
    /// else the operators are told (what was taken away must be given back by a person).
    pub(crate) async fn scim_reactivated(&self, caller: &ScimCaller, user: &ScimUser) {
        let Some(id) = user
            .case_id
            .as_deref()
            .and_then(|id| id.parse::<CaseId>().ok())
        else {
            return;
        };
        let actor = caller.actor();
        let case = match self.store.case(id).await {
            Ok(case) if case.state != CaseState::Cancelled => case,
            Ok(_) => return,
            Err(error) => {
                tracing::error!(%error, "could not read the reactivated user's case");
                return;
            }
        };
        let result = if case.first_write().is_none() && !case.state.is_closed() {
            self.cancel(id, Some(REACTIVATED_REASON), &actor)
                .await
                .map(|_| ())
        } else {
            let reason = format!(
                "{} was {REACTIVATED_REASON} after the case began changing the Hub: give back by hand what they should keep",
                case.person.hub_username_text()
            );
            self.store
                .scim_notify_operator(
                    id,
                    &reason,
                    &actor,
                    SCIM_REACTIVATED_AFTER_WRITE,
                    self.now(),
                )
                .await
                .map_err(Into::into)
        };
        if let Err(error) = result {
            tracing::error!(%error, case = %id, "a SCIM reactivation could not reach its case");
        }
    }
}
