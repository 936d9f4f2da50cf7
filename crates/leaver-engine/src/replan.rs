//! A re-plan asked for by a person (`leaver case replan`, the case page, the API): every
//! managed org read afresh, no read older than the request, then the core's
//! [`leaver_core::plan::replan`]; the SCIM apps (`[[apps]]`) are read afresh too.

use crate::Engine;
use crate::fresh_reads::{FreshOrg, Freshness};
use crate::outcome::StepError;
use futures_util::{StreamExt, TryStreamExt, stream};
use leaver_core::awaiting_username::AWAITING_HUB_USERNAME;
use leaver_core::plan::{OrgFacts, replan};
use leaver_core::{Case, Event, StepId};
use std::sync::Arc;

/// How many orgs are read side by side.
const ORGS_AT_ONCE: usize = 4;

impl Engine {
    /// The event re-planning `case` records, from reads started after this call; `Err` with
    /// the blockers when the fresh plan cannot run as it is (nothing is to be recorded then).
    /// A Hub failure is the outer error: nothing was read, nothing changes.
    pub async fn replan(&self, case: &Case) -> Result<Result<Event, Vec<String>>, StepError> {
        let now = self.clock.now();
        let me = self.index.snapshot(now).await?.me.clone();
        let freshness = Freshness {
            since: now,
            claimed: self.fresh_reads.mark(),
        };
        // By index, as in `steps::footprint::read`.
        let orgs = &self.config.orgs;
        let fresh: Vec<_> = stream::iter(0..orgs.len())
            .map(|n| self.fresh_reads.org(&orgs[n], &me, freshness))
            .buffered(ORGS_AT_ONCE)
            .try_collect()
            .await?;
        let facts: Vec<&OrgFacts> = fresh.iter().map(|org: &Arc<FreshOrg>| &org.facts).collect();
        let Some(ctx) = self.config.plan_context(case) else {
            return Ok(Err(vec![AWAITING_HUB_USERNAME.to_owned()]));
        };
        let apps = crate::apps::read_all(&self.config.apps, case).await?;
        let apps = crate::apps::facts(&apps);
        Ok(replan(case, &ctx, &facts, &apps, StepId::random))
    }
}
