//! `verify`: read the leaver's whole footprint afresh, after the case's last write: every
//! managed org's members and visible invitations, the accepted and pending lists of every gated
//! repo, not only what the plan touched. Whatever the leaver still holds is planned as new
//! steps (`leaver_core::plan::reconcile`, as for `refresh`) and verify reads again after them;
//! it succeeds, and the case completes, only from a read that finds nothing. What it read is
//! the case's evidence: the pass it rested on by digest (each org's read by id and digest),
//! kept once, with the reads (every org's members and every gated repo's counts), for every
//! case that rested on the same reads.
//!
//! Access an approver chose to keep (a step rejected on its own, `Step::kept_by`) is checked
//! nowhere and reported everywhere: the reconciler leaves it alone (a fresh read never
//! overrides a no), the note names it ("holds nothing else ... kept by approval: ..."), and
//! the evidence lists it under `kept` with the approver and the reason.
//!
//! Verify runs only once every other step of the case was recorded, and its job is queued by
//! the last of those records; its reads started after that (`crate::fresh_reads`), so after
//! the case's last write.
//!
//! The SCIM apps beside the Hub (`[[apps]]`) are read too, by the leaver's email: an app still
//! holding an active account (or any, where the app deletes) is planned the same way, and the
//! evidence lists every app with what it shows.

use super::{Ran, StepContext, footprint};
use crate::outcome::{Outcome, StepError};
use leaver_core::{Step, Target};
use serde_json::{Value, json};

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Ran, StepError> {
    let fresh = footprint::read(cx).await?;
    let apps = footprint::read_apps(cx).await?;
    if let Some(changed) = footprint::changes(cx, &fresh, &apps)? {
        return Ok(Ran::from(changed));
    }
    let leaver = cx.leaver();
    let pass = footprint::pass(&fresh);
    let mut evidence = footprint::snapshot(leaver, &fresh, &pass.pass);
    evidence["apps"] = crate::apps::evidence(&apps);
    evidence["removals_in_audit_log"] = removals_in_audit_log(cx).await;
    let kept: Vec<&Step> = cx.case.steps.iter().filter(|s| s.is_kept()).collect();
    evidence["kept"] = json!(
        kept.iter()
            .map(|s| json!({
                "step": s.id, "kind": s.kind, "target": s.target.to_string(),
                "by": s.kept_by, "reason": s.note,
            }))
            .collect::<Vec<_>>()
    );
    let extent = match apps.len() {
        0 => footprint::extent(&fresh),
        n => format!("{} and {n} SCIM app(s)", footprint::extent(&fresh)),
    };
    let note = if kept.is_empty() {
        format!("verified on the Hub: {leaver} holds nothing in {extent}")
    } else {
        let list: Vec<String> = kept
            .iter()
            .map(|s| {
                let by = s.kept_by.as_deref().unwrap_or_default();
                let why = s.note.as_deref().unwrap_or_default();
                format!("{} on {} (kept by {by}: {why:?})", s.kind, s.target)
            })
            .collect();
        format!(
            "verified on the Hub: {leaver} holds nothing else in {extent}; kept by approval, not checked: {}",
            list.join("; ")
        )
    };
    Ok(Ran {
        outcome: Outcome::Done { note, evidence },
        verdicts: Vec::new(),
        pass: Some(pass),
    })
}

/// The org audit logs' record of the leaver's removal, for each org the case acted on (the
/// export needs a Team or Enterprise plan: where it is unavailable, the evidence says why).
async fn removals_in_audit_log(cx: &StepContext<'_>) -> Value {
    let leaver = cx.leaver();
    let mut orgs = Vec::new();
    for org in acted_on_orgs(cx) {
        let audit = match cx.reads.audit_log(org, Some("type:org.remove_user")).await {
            Ok(events) => json!(events.iter().filter(|e| mentions(&e.data, leaver)).map(|e| json!({
                "type": e.kind, "at": e.created_at, "by": e.author.as_ref().and_then(|a| a.user.clone()),
            })).collect::<Vec<_>>()),
            Err(e) => json!({ "unavailable": e.to_string() }),
        };
        orgs.push(json!({ "org": org, "audit_log": audit }));
    }
    json!(orgs)
}

fn acted_on_orgs<'a>(cx: &'a StepContext<'_>) -> Vec<&'a str> {
    let mut orgs: Vec<&str> = cx
        .case
        .steps
        .iter()
        .filter(|s| matches!(s.target, Target::Org(_)))
        .filter_map(|s| s.target.org())
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    orgs
}

fn mentions(data: &Option<Value>, user: &str) -> bool {
    data.as_ref()
        .is_some_and(|d| d.to_string().contains(&format!("\"{user}\"")))
}
