//! `leaver plan`: what Leaver would do to offboard a Hub user, read from the Hub and planned by
//! the core, without changing anything.

use crate::build::{Tuning, engine_config, hub_client};
use crate::settings::Settings;
use crate::{Clock, Error, Result, SystemClock};
use anyhow::Context;
use leaver_core::HubUsername;
use leaver_core::StepId;
use leaver_core::plan::{Plan, PlanContext, holds_nothing, plan};
use leaver_engine::OrgIndex;

/// A plan, and what planning it cost.
#[derive(Debug)]
pub struct DryRun {
    pub plan: Plan,
    /// Requests sent to the Hub to read what the leaver holds.
    pub hub_calls: u64,
}

/// Plans the offboarding of `hub_user` (with `successor` where they are the last admin) over
/// the orgs in `settings`. A bad username is [`Error::Invalid`] naming `hub_username` or
/// `successor`.
pub async fn dry_run(
    settings: &Settings,
    hub_user: &str,
    successor: Option<&str>,
) -> Result<DryRun> {
    let leaver =
        HubUsername::parse(hub_user).map_err(|e| Error::invalid("hub_username", e.to_string()))?;
    let successor = successor
        .map(HubUsername::parse)
        .transpose()
        .map_err(|e| Error::invalid("successor", e.to_string()))?;
    if settings.orgs.is_empty() {
        return Err(Error::Unavailable(
            "LEAVER_ORGS is empty: name the orgs Leaver manages (comma-separated)".into(),
        ));
    }
    let hub = hub_client(settings, Tuning::default())?;
    let config = engine_config(settings);
    let index = OrgIndex::new(hub.clone(), settings.orgs.clone(), config.index_ttl);
    let snapshot = index
        .snapshot(SystemClock.now())
        .await
        .context("reading the orgs from the Hub")?;
    let ctx = PlanContext {
        leaver: &leaver,
        successor: successor.as_ref(),
        service_accounts: &config.service_accounts,
        revoke_to: config.revoke_to,
        no_account: false,
        leaving: &[],
    };
    let no_account = holds_nothing(&ctx, &snapshot.orgs)
        && matches!(
            hub.user_overview(leaver.as_str()).await,
            Err(e) if e.kind() == leaver_hub::HubErrorKind::NotFound
        );
    let ctx = PlanContext { no_account, ..ctx };
    Ok(DryRun {
        plan: plan(&ctx, &snapshot.orgs, StepId::random),
        hub_calls: hub.calls_made(),
    })
}
