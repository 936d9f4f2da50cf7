//! Signed HR webhooks: HR systems that cannot hold an API key but can sign what they send
//! (`POST /api/v1/hooks/{source}`). Each source has a secret of its own, shown once when it is
//! made ([`Leaver::create_hook_source`]) and stored sealed. A delivery is taken when its
//! [`signature`] matches and is fresh, and its event id ([`envelope`]) was not accepted
//! before; then the event acts through the same use cases as the REST API, as `hook:<source>`:
//! `terminated` opens a case, `termination_changed` patches it, `rehired` cancels it (before
//! any Hub write; after one, the operators are told and the sender gets a conflict).
//!
//! An event id is claimed in the transaction of its action's first write
//! (`leaver_store::claiming`): a delivery refused for its content, or cut short by a failure or
//! a crash, leaves no claim and may be sent again; two copies arriving together act once (the
//! second's write finds the id claimed and is rolled back). An action that writes nothing (the
//! ticket already open as sent, a patch that changes nothing) claims the id on its own. A
//! `rehired` after a Hub write is claimed in the transaction that tells the operators.

pub mod envelope;
pub mod signature;

use crate::accounts::{check_api_key_name, random_token};
use crate::{Error, Leaver, Result};
use envelope::{Envelope, EventType};
use leaver_core::{Case, FieldError, HubUsernameRule, TicketInput, TicketPatch};
use leaver_store::{
    Actor, ClaimOutcome, HookClaim, HookSource, HookStore, InboundCalls, Opened, TokenSealer,
    claiming,
};
use signature::Unsigned;
use std::sync::Arc;

pub use leaver_store::{Channel, InboundCall};

/// How many of a source's last calls the settings page shows.
pub const CALLS_SHOWN: u32 = 10;
/// The name calls to no known source are noted under (never a valid source name), so that
/// made-up names cannot grow the record.
pub const UNKNOWN_SOURCE: &str = "*";

/// Why a delivery was refused; nothing was changed.
#[derive(Debug)]
pub enum HookError {
    /// No unrevoked source has that name.
    UnknownSource,
    /// The signature is missing, malformed, stale or wrong.
    Unsigned(Unsigned),
    /// The event id was accepted before.
    Replayed(String),
    /// The body is not a JSON object.
    BadRequest(String),
    /// Fields of the envelope or of its `data`, each named.
    Invalid(Vec<FieldError>),
    /// What the use case said (a conflict, an internal error).
    Refused(Error),
}

impl From<Error> for HookError {
    fn from(error: Error) -> HookError {
        match error {
            Error::Invalid(fields) => HookError::Invalid(fields),
            other => HookError::Refused(other),
        }
    }
}

impl From<leaver_store::StoreError> for HookError {
    fn from(error: leaver_store::StoreError) -> HookError {
        HookError::from(Error::from(error))
    }
}

/// A delivery whose signature was checked, with its envelope read.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub source: String,
    pub envelope: Envelope,
}

/// What an event asks for, its `data` read by the door.
#[derive(Clone, Debug)]
pub enum HookAction {
    Terminated {
        input: TicketInput,
        run_now: bool,
    },
    TerminationChanged {
        external_id: String,
        patch: TicketPatch,
    },
    Rehired {
        external_id: String,
    },
}

/// What an event did.
#[derive(Clone, Debug)]
pub enum HookDone {
    Opened(Opened),
    Updated(Case),
    Cancelled(Case),
}

/// A source as the settings page shows it: no secret, its last calls.
#[derive(Clone, Debug)]
pub struct HookSourceView {
    pub source: HookSource,
    pub calls: Vec<InboundCall>,
}

impl Leaver {
    /// Makes a source named `name` and returns its secret, to be shown once. A name in use by
    /// an unrevoked source is a conflict; a bad name is named.
    pub async fn create_hook_source(&self, name: &str, actor: &Actor) -> Result<String> {
        let name = check_api_key_name(name)?;
        let secret = random_token("lvrhk_");
        let created = self
            .store
            .create_hook_source(name, &secret, &*self.hook_sealer()?, actor, self.now())
            .await?;
        if !created {
            return Err(Error::Conflict(format!(
                "a hook source named {name:?} exists; revoke it first or choose another name"
            )));
        }
        Ok(secret)
    }

    /// Every source (revoked ones included), by name, without secrets.
    pub async fn hook_sources(&self) -> Result<Vec<HookSource>> {
        Ok(self.store.hook_sources().await?)
    }

    /// The last [`CALLS_SHOWN`] calls to no known source (a sender with a wrong URL, a source
    /// revoked), newest first; the name tried is in each outcome.
    pub async fn calls_to_unknown_sources(&self) -> Result<Vec<InboundCall>> {
        Ok(self
            .store
            .recent_inbound_calls(Channel::Hook, UNKNOWN_SOURCE, CALLS_SHOWN)
            .await?)
    }

    /// Every source with its last [`CALLS_SHOWN`] calls, newest first.
    pub async fn hook_sources_with_calls(&self) -> Result<Vec<HookSourceView>> {
        let mut views = Vec::new();
        for source in self.store.hook_sources().await? {
            let calls = self
                .store
                .recent_inbound_calls(Channel::Hook, &source.name, CALLS_SHOWN)
                .await?;
            views.push(HookSourceView { source, calls });
        }
        Ok(views)
    }

    /// Revokes the source named `name`: its deliveries are refused from now on.
    pub async fn revoke_hook_source(&self, name: &str, actor: &Actor) -> Result<()> {
        let name = name.trim();
        if self
            .store
            .revoke_hook_source(name, actor, self.now())
            .await?
        {
            Ok(())
        } else {
            Err(Error::NotFound(format!("no hook source named {name:?}")))
        }
    }

    /// Checks a delivery to `source`: the source exists, `header` signs `body` with its secret
    /// and is fresh, and the body is an envelope. Writes nothing.
    pub async fn verify_hook(
        &self,
        source: &str,
        header: Option<&str>,
        body: &[u8],
    ) -> std::result::Result<Delivery, HookError> {
        let Ok(name) = check_api_key_name(source) else {
            return Err(HookError::UnknownSource);
        };
        let sealer = self.hook_sealer().map_err(HookError::Refused)?;
        let secret = self
            .store
            .hook_secret(name, &sealer)
            .await?
            .ok_or(HookError::UnknownSource)?;
        let now = self.now().unix_timestamp();
        signature::verify(header, &secret, body, now).map_err(HookError::Unsigned)?;
        Ok(Delivery {
            source: name.to_owned(),
            envelope: envelope::parse(body)?,
        })
    }

    /// Does what a verified delivery asks, as `hook:<source>`, once per event id.
    pub async fn act_on_hook(
        &self,
        delivery: &Delivery,
        action: HookAction,
    ) -> std::result::Result<HookDone, HookError> {
        let (source, event) = (&delivery.source, &delivery.envelope);
        if let HookAction::Rehired { external_id } = &action
            && let Some(case) = self.case_for_ticket(external_id).await?
            && case.first_write().is_some()
        {
            return Err(self.rehired_after_write(delivery, &case).await);
        }
        let claim = HookClaim {
            source: source.clone(),
            event_id: event.id.clone(),
            event_type: event.kind.as_str().to_owned(),
            at: self.now(),
        };
        let actor = Actor::hook(source);
        let action = self.hook_action(action, &actor);
        match claiming(claim, action).await {
            (_, ClaimOutcome::Spent) => Err(replayed(delivery)),
            // Nothing was written (a ticket already open as sent, a patch that changes
            // nothing): the claim is made on its own, and only it tells a replay apart.
            (Ok(done), ClaimOutcome::Unused(claim)) => {
                let claimed = self
                    .store
                    .claim_hook_event(&claim.source, &claim.event_id, &claim.event_type, claim.at)
                    .await?;
                if claimed {
                    Ok(done)
                } else {
                    Err(replayed(delivery))
                }
            }
            (done, _) => done.map_err(HookError::from),
        }
    }

    async fn hook_action(&self, action: HookAction, actor: &Actor) -> Result<HookDone> {
        match action {
            HookAction::Terminated { input, run_now } => self
                .open_case_by(&input, run_now, HubUsernameRule::MayWait, actor)
                .await
                .map(HookDone::Opened),
            HookAction::TerminationChanged { external_id, patch } => {
                let case = self.ticket_case(&external_id).await?;
                let case = self.update_case(case.id, &patch, actor).await?;
                Ok(HookDone::Updated(case))
            }
            HookAction::Rehired { external_id } => {
                let case = self.ticket_case(&external_id).await?;
                let case = self.cancel(case.id, Some("rehired"), actor).await?;
                Ok(HookDone::Cancelled(case))
            }
        }
    }

    /// The case of HR ticket `external_id`, or an invalid `external_id`.
    async fn ticket_case(&self, external_id: &str) -> Result<Case> {
        self.case_for_ticket(external_id).await?.ok_or_else(|| {
            Error::invalid(
                "external_id",
                format!("no case was opened for HR ticket {external_id:?}"),
            )
        })
    }

    /// A `rehired` for a case that began writing to the Hub: the operators are told, the
    /// sender gets a conflict saying so (or a replay, the second time).
    async fn rehired_after_write(&self, delivery: &Delivery, case: &Case) -> HookError {
        let wrote = case
            .first_write()
            .map(|s| format!("{} on {}", s.kind, s.target))
            .unwrap_or_default();
        let notice = format!(
            "HR ({}) says {} was rehired, but case {} already began writing to the Hub ({wrote}): cancel it and undo by hand what must be undone",
            Actor::hook(&delivery.source),
            case.person.hub_username_text(),
            case.id
        );
        let told = self
            .store
            .rehired_after_write(
                case.id,
                &delivery.source,
                &delivery.envelope.id,
                &notice,
                self.now(),
            )
            .await;
        match told {
            Ok(true) => HookError::Refused(Error::Conflict(format!(
                "case {} already began writing to the Hub ({wrote}); it was not cancelled, and the operators were told",
                case.id
            ))),
            Ok(false) => replayed(delivery),
            Err(error) => HookError::from(error),
        }
    }

    /// Notes a call received from outside, for the settings page. A failure to note it is
    /// logged, never the caller's problem.
    pub async fn note_inbound_call(&self, call: InboundCall) {
        if let Err(error) = self.store.record_inbound_call(&call).await {
            tracing::warn!(%error, channel = %call.channel, "an inbound call could not be noted");
        }
    }

    /// The sealer of hook secrets: the running Leaver's, or one derived from the settings' key
    /// (the CLI builds Leaver for the database only).
    fn hook_sealer(&self) -> Result<Arc<TokenSealer>> {
        if let Some(running) = &self.running {
            return Ok(running.sealer.clone());
        }
        let key = crate::build::approvals::secret_key(&self.settings)?;
        Ok(Arc::new(TokenSealer::new(&key)))
    }
}

fn replayed(delivery: &Delivery) -> HookError {
    HookError::Replayed(format!(
        "event {:?} from {} was accepted before",
        delivery.envelope.id, delivery.source
    ))
}

impl EventType {
    /// What a door answers when the event did what it asked.
    pub fn done_text(self, done: &HookDone) -> String {
        match done {
            HookDone::Opened(o) if o.created => format!("case {} opened", o.case.id),
            HookDone::Opened(o) => format!("case {} was open already", o.case.id),
            HookDone::Updated(case) => format!("case {} updated", case.id),
            HookDone::Cancelled(case) => format!("case {} cancelled", case.id),
        }
    }
}
