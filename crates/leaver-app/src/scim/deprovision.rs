//! What deprovisioning a SCIM user does to cases: it opens one (through [`Leaver::open_case`],
//! like every door, with the external id `scim:<id>` so a repeat opens nothing new), and a
//! reactivation cancels it before any Hub write or tells the operators after one. A case that
//! cannot open (no manager resolves, the person has another open case, ...) does not fail the
//! IdP's request (it could not fix it): the refusal is audited and logged.

use super::ScimCaller;
use crate::Leaver;
use leaver_core::{CaseId, CaseState, TicketInput};
use leaver_store::{ScimUser, ScimUserStore, Store};
use serde_json::json;

/// The reason a case is cancelled with when the IdP reactivates the person before any write.
pub const REACTIVATED_REASON: &str = "reactivated in the identity provider";

/// The audit kind of a deprovisioning that opened no case.
pub const SCIM_CASE_NOT_OPENED: &str = "scim_case_not_opened";
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
        let input = TicketInput {
            external_id: Some(external_id),
            email: user.email.clone().or_else(|| Some(user.user_name.clone())),
            name: self.scim_display_name(user),
            hub_username: self.scim_hub_username(user).await,
            manager_email: self.scim_manager_email(user).await,
            successor: user.successor.clone(),
            effective_at: None,
            reason: Some(why.to_owned()),
        };
        match self.open_case(&input, &actor).await {
            Ok(opened) => {
                let id = opened.case.id.to_string();
                if let Err(error) = self.store.set_scim_user_case(&user.scim_id, &id).await {
                    tracing::error!(%error, "could not note the SCIM user's case");
                }
                Some(id)
            }
            Err(error) => {
                let error = error.to_string();
                tracing::warn!(scim_id = %user.scim_id, %error, "a SCIM deprovisioning opened no case");
                let data =
                    json!({"scim_id": user.scim_id, "user_name": user.user_name, "error": error});
                if let Err(e) = self
                    .store
                    .append_audit(None, &actor, SCIM_CASE_NOT_OPENED, data, self.now())
                    .await
                {
                    tracing::error!(error = %e, "could not audit a SCIM deprovisioning");
                }
                None
            }
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
                case.person.hub_username
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
