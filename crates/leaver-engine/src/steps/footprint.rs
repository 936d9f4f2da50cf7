//! The leaver's whole footprint, read afresh, and what it means for the case: every managed
//! org's members (with the SCIM invitations, where the Hub shows any) and the accepted and
//! pending lists of every gated repo, read no earlier than the job's moment (after the case
//! started executing, for `refresh`; after its last recorded write, for `verify`; see
//! `crate::fresh_reads`), never from the org index's snapshot. `leaver_core::plan::reconcile`
//! then says what to add and what to skip.

use super::StepContext;
use crate::apps::AppRead;
use crate::fresh_reads::FreshOrg;
use crate::outcome::{Outcome, StepError};
use futures_util::{StreamExt, TryStreamExt, stream};
use leaver_core::StepId;
use leaver_core::plan::apps::reconcile_apps;
use leaver_core::plan::{OrgFacts, reconcile};
use leaver_store::{FootprintPass, FootprintRead, PassEntry};
use serde_json::{Value, json};
use std::sync::Arc;

/// How many orgs are read side by side (the jobs of a batch wait for the read).
const ORGS_AT_ONCE: usize = 4;

/// Every managed org, as read now.
pub(crate) async fn read(cx: &StepContext<'_>) -> Result<Vec<Arc<FreshOrg>>, StepError> {
    // Each org's read is made only when its turn comes: a hundred orgs' reads made at once, by
    // every job of a batch, held megabytes of futures that mostly found the read done. (By
    // index: rustc finds a closure taking `&String` here not general enough for `Send`.)
    let orgs = &cx.config.orgs;
    Ok(stream::iter(0..orgs.len())
        .map(|n| cx.fresh_reads.org(&orgs[n], cx.me, cx.freshness))
        .buffered(ORGS_AT_ONCE)
        .try_collect()
        .await?)
}

/// The orgs' facts alone.
fn facts(fresh: &[Arc<FreshOrg>]) -> Vec<&OrgFacts> {
    fresh.iter().map(|org| &org.facts).collect()
}

/// Every SCIM app beside the Hub, read now for the leaver.
pub(crate) async fn read_apps(cx: &StepContext<'_>) -> Result<Vec<AppRead>, StepError> {
    crate::apps::read_all(&cx.config.apps, cx.case).await
}

/// What `fresh` (and `apps`) change about the case: `None` when the plan is exactly right, the steps to add
/// and skip otherwise, or a refusal naming why the case cannot go on (a new last admin with no
/// successor, access that keeps coming back): an operator retries the step once that is dealt
/// with.
pub(crate) fn changes(
    cx: &StepContext<'_>,
    fresh: &[Arc<FreshOrg>],
    apps: &[AppRead],
) -> Result<Option<Outcome>, StepError> {
    let ctx = cx.config.plan_context(cx.case).ok_or_else(|| {
        StepError::Refused(leaver_core::awaiting_username::AWAITING_HUB_USERNAME.into())
    })?;
    let found = reconcile(cx.case, &ctx, &facts(fresh), StepId::random).and(reconcile_apps(
        cx.case,
        &ctx,
        &crate::apps::facts(apps),
        StepId::random,
    ));
    if !found.blockers.is_empty() {
        return Err(StepError::Refused(found.blockers.join("; ")));
    }
    if found.is_clean() {
        return Ok(None);
    }
    Ok(Some(Outcome::Replanned {
        added: found.added,
        skipped: found.skipped,
        evidence: orgs_read(cx.leaver(), fresh),
    }))
}

/// The pass `fresh` makes: every org's read by id and the SHA-256 of its snapshot, in the
/// managed orgs' order, named by the SHA-256 of that list. Kept once for every case that rested
/// on the same reads, with the reads themselves (`leaver_store::footprint_reads`).
pub(crate) fn pass(fresh: &[Arc<FreshOrg>]) -> PassRecord {
    let entries: Vec<PassEntry> = fresh
        .iter()
        .map(|org| PassEntry {
            org: org.facts.name.clone(),
            read: org.read.id.clone(),
            sha256: org.digest.clone(),
        })
        .collect();
    PassRecord {
        pass: FootprintPass::new(&entries),
        reads: fresh.iter().map(|org| org.read.clone()).collect(),
    }
}

/// A pass and the reads it names, to keep with the case's record.
#[derive(Debug)]
pub(crate) struct PassRecord {
    pub pass: FootprintPass,
    pub reads: Vec<FootprintRead>,
}

/// The evidence of a read that found nothing of the leaver's: the pass it rested on, by the
/// digest the audit trail then covers, and how much it read (what each org and gated repo held
/// is in the pass's reads; an evidence export puts them back). What a read that found
/// something found is in its additions.
pub(crate) fn snapshot(leaver: &str, fresh: &[Arc<FreshOrg>], pass: &FootprintPass) -> Value {
    let repos: usize = fresh.iter().map(|o| o.facts.gated_repos.len()).sum();
    json!({
        "leaver": leaver,
        "pass": { "id": pass.id, "orgs": fresh.len(), "gated_repos": repos },
    })
}

/// The names of the orgs read, for a read whose findings are its additions and skips.
pub(crate) fn orgs_read(leaver: &str, fresh: &[Arc<FreshOrg>]) -> Value {
    let orgs: Vec<&str> = fresh.iter().map(|org| org.facts.name.as_str()).collect();
    json!({ "leaver": leaver, "orgs_read": orgs })
}

/// How much was read, in words: `2 org(s) and 3 gated repo(s)`.
pub(crate) fn extent(fresh: &[Arc<FreshOrg>]) -> String {
    let repos: usize = fresh.iter().map(|o| o.facts.gated_repos.len()).sum();
    format!("{} org(s) and {repos} gated repo(s)", fresh.len())
}
