//! Evidence for auditors, for one case or a period: the plan, every decision with who, when,
//! from where; every Hub call's outcome; the verify step's snapshot of the Hub; and whether the
//! audit chain checks out. Gathered from the store here a page of cases at a time, written out
//! by [`export`] as JSON, CSV or a printable page ([`render`]), for the pages and `leaver audit
//! export` alike ([`Leaver::export`](crate::Leaver::export)).

pub mod export;
pub mod period;
pub mod render;
mod spreadsheet;

use leaver_core::audit::AuditRecord;
use leaver_core::{Case, CaseId, StepId, StepKind};
use leaver_store::footprint_reads::digest;
use leaver_store::{ChainCheck, FootprintPass, FootprintRead, ReportStore, Store, StoreError};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Audit kinds that record a decision on a plan (`kept`: steps an approver rejected on their
/// own while approving the rest).
const DECISIONS: [&str; 4] = ["approval_decided", "approved", "rejected", "kept"];
/// Audit kinds that record an attempt at a step against the Hub.
const STEP_EVENTS: [&str; 4] = [
    "step_started",
    "step_succeeded",
    "step_failed",
    "step_waiting_manual",
];

/// A decision: who approved or rejected what, when, and from where.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub seq: i64,
    /// When, as RFC 3339 (`at_ms` stays for the pages and CSV, out of the JSON).
    pub at: String,
    #[serde(skip)]
    pub at_ms: i64,
    pub actor: String,
    pub approver: Option<String>,
    pub decision: String,
    pub reason: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// One recorded outcome of a step against the Hub.
#[derive(Clone, Debug, Serialize)]
pub struct HubCall {
    pub seq: i64,
    /// When, as RFC 3339.
    pub at: String,
    #[serde(skip)]
    pub at_ms: i64,
    pub step: Option<String>,
    pub kind: Option<StepKind>,
    pub target: Option<String>,
    /// The audit kind: `step_succeeded`, `step_failed`, ...
    pub outcome: String,
    /// What the call did, in the engine's words (`bob removed from acme-ai`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub error: Option<String>,
    /// What the engine recorded beside (the Hub's answer, the attempt, the evidence); left out
    /// of the JSON when it holds nothing (`{"evidence": null}`).
    #[serde(skip_serializing_if = "holds_nothing")]
    pub detail: Value,
}

/// Access an approver chose to keep: a step rejected on its own while the rest was approved.
/// The case went on without it and its verify did not check it.
#[derive(Clone, Debug, Serialize)]
pub struct KeptAccess {
    pub step: StepId,
    pub kind: StepKind,
    pub target: String,
    /// The approver who kept it.
    pub by: String,
    pub reason: Option<String>,
}

/// Everything about one case.
#[derive(Clone, Debug, Serialize)]
pub struct CaseEvidence {
    pub case: Case,
    /// Who kept what and why (empty when approvers kept nothing).
    pub kept: Vec<KeptAccess>,
    pub decisions: Vec<Decision>,
    pub hub_calls: Vec<HubCall>,
    /// The verify step's reading of the Hub, if it ran.
    pub verify_snapshot: Option<Value>,
    /// Every audit record of the case (within the period, for a period export).
    pub records: Vec<AuditRecord>,
}

/// A printable export (the HTML page): one case, or the first cases touched in a period.
#[derive(Clone, Debug)]
pub struct Evidence {
    pub generated_at: OffsetDateTime,
    /// `case <id> (HR-1042)` or `period <from> .. <to>`.
    pub scope: String,
    /// The chain's verification.
    pub chain: ChainCheck,
    pub cases: Vec<CaseEvidence>,
    /// The page shows only the first `cases.len()` cases of the scope: it holds more.
    pub truncated: bool,
}

/// What an export covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One case, with all its records.
    Case(CaseId),
    /// Every case with audit records in `from <= at < to`, with those records.
    Period {
        from: OffsetDateTime,
        to: OffsetDateTime,
    },
}

/// Unix milliseconds as RFC 3339 (UTC).
fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}

/// `null`, `{}`, or an object whose every value is `null`.
fn holds_nothing(detail: &Value) -> bool {
    match detail {
        Value::Null => true,
        Value::Object(fields) => fields.values().all(Value::is_null),
        _ => false,
    }
}

fn text(data: &Value, key: &str) -> Option<String> {
    data.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn decision(record: &AuditRecord) -> Decision {
    let data = &record.data;
    let detail = data.get("detail").unwrap_or(&Value::Null);
    let field = |key: &str| text(data, key).or_else(|| text(detail, key));
    let decision = field("decision").unwrap_or_else(|| match record.kind.as_str() {
        "rejected" => "reject".into(),
        "kept" => "keep".into(),
        _ => "approve".into(),
    });
    let reason = field("reason").or_else(|| {
        data.pointer("/event/reason")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    Decision {
        seq: record.seq,
        at: rfc3339(record.at_ms),
        at_ms: record.at_ms,
        actor: record.actor.clone(),
        approver: field("approver")
            .or_else(|| text(data.get("event").unwrap_or(&Value::Null), "by"))
            .or_else(|| record.actor.strip_prefix("approver:").map(str::to_owned)),
        decision,
        reason,
        ip: field("ip"),
        user_agent: field("user_agent"),
    }
}

fn hub_call(case: &Case, record: &AuditRecord) -> HubCall {
    let step_id: Option<StepId> = record
        .data
        .pointer("/event/step")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok());
    let step = step_id.and_then(|id| case.step(id));
    HubCall {
        seq: record.seq,
        at: rfc3339(record.at_ms),
        at_ms: record.at_ms,
        step: step_id.map(|s| s.to_string()),
        kind: step.map(|s| s.kind),
        target: step.map(|s| s.target.to_string()),
        outcome: record.kind.clone(),
        note: record
            .data
            .pointer("/event/note")
            .and_then(Value::as_str)
            .map(str::to_owned),
        error: record
            .data
            .pointer("/event/error")
            .and_then(Value::as_str)
            .map(str::to_owned),
        detail: record.data.get("detail").cloned().unwrap_or(Value::Null),
    }
}

/// Sorts one case's records into decisions, Hub calls and the verify snapshot.
pub fn case_evidence(case: Case, records: Vec<AuditRecord>) -> CaseEvidence {
    let all: Vec<Decision> = records
        .iter()
        .filter(|r| DECISIONS.contains(&r.kind.as_str()))
        .map(decision)
        .collect();
    // A decision through a link is recorded twice: the link's record (with the address and
    // the browser) and the case's event. Keep the link's.
    let by_link: Vec<(Option<String>, String)> = all
        .iter()
        .filter(|d| d.ip.is_some() || d.user_agent.is_some())
        .map(|d| (d.approver.clone(), d.decision.clone()))
        .collect();
    let decisions = all
        .into_iter()
        .filter(|d| {
            d.ip.is_some()
                || d.user_agent.is_some()
                || !by_link.contains(&(d.approver.clone(), d.decision.clone()))
        })
        .collect();
    let hub_calls: Vec<HubCall> = records
        .iter()
        .filter(|r| STEP_EVENTS.contains(&r.kind.as_str()))
        .map(|r| hub_call(&case, r))
        .collect();
    let verify_snapshot = hub_calls
        .iter()
        .rev()
        .find(|c| c.kind == Some(StepKind::Verify) && c.outcome == "step_succeeded")
        .and_then(|c| c.detail.get("evidence").cloned());
    let kept = case
        .steps
        .iter()
        .filter(|s| s.is_kept())
        .map(|s| KeptAccess {
            step: s.id,
            kind: s.kind,
            target: s.target.to_string(),
            by: s.kept_by.clone().unwrap_or_default(),
            reason: s.note.clone(),
        })
        .collect();
    CaseEvidence {
        case,
        kept,
        decisions,
        hub_calls,
        verify_snapshot,
        records,
    }
}

/// Puts into each verify snapshot of `page` what it rested on, kept once for every case (see
/// `leaver_store::footprint_reads`). First the pass it names by digest becomes `orgs`, each org
/// with its read's id and digest, and `pass.intact` says whether the kept list still has the
/// digest the audit trail recorded ([`with_passes`]; evidence recorded before passes names each
/// org's read itself). Then each org gets its read's `snapshot` (its members, and every gated
/// repo with its accepted and pending counts) and `intact`, whether the kept text still has
/// its digest. A pass or read not found says so.
async fn with_reads(
    page: &mut [CaseEvidence],
    reports: &dyn ReportStore,
) -> Result<(), StoreError> {
    with_passes(page, reports).await?;
    let org_entries = |snapshot: &Value| -> Vec<String> {
        snapshot["orgs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|org| org["read"].as_str().map(str::to_owned))
            .collect()
    };
    let mut ids: Vec<String> = page
        .iter()
        .filter_map(|case| case.verify_snapshot.as_ref())
        .flat_map(org_entries)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    ids.sort_unstable();
    ids.dedup();
    let reads: HashMap<String, FootprintRead> = reports
        .footprint_reads(&ids)
        .await?
        .into_iter()
        .map(|read| (read.id.clone(), read))
        .collect();
    for snapshot in page.iter_mut().filter_map(|c| c.verify_snapshot.as_mut()) {
        for org in snapshot["orgs"].as_array_mut().into_iter().flatten() {
            let Some(id) = org["read"].as_str() else {
                continue;
            };
            match reads.get(id) {
                Some(read) => {
                    org["intact"] =
                        json!(Some(digest(&read.snapshot).as_str()) == org["sha256"].as_str());
                    org["snapshot"] = serde_json::from_str(&read.snapshot).unwrap_or(Value::Null);
                }
                None => org["snapshot"] = json!("not found: the read is not kept"),
            }
        }
    }
    Ok(())
}

/// Puts each verify snapshot's pass in it as `orgs`, checked against its digest.
async fn with_passes(
    page: &mut [CaseEvidence],
    reports: &dyn ReportStore,
) -> Result<(), StoreError> {
    let pass_id = |snapshot: &Value| snapshot["pass"]["id"].as_str().map(str::to_owned);
    let snapshots = || page.iter().filter_map(|case| case.verify_snapshot.as_ref());
    let mut ids: Vec<String> = snapshots().filter_map(pass_id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    ids.sort_unstable();
    ids.dedup();
    let passes: HashMap<String, FootprintPass> = reports
        .footprint_passes(&ids)
        .await?
        .into_iter()
        .map(|pass| (pass.id.clone(), pass))
        .collect();
    for snapshot in page.iter_mut().filter_map(|c| c.verify_snapshot.as_mut()) {
        let Some(id) = pass_id(snapshot) else {
            continue;
        };
        let (intact, orgs) = match passes.get(&id).map(|pass| (pass.intact(), pass.entries())) {
            Some((intact, Ok(entries))) => (intact, json!(entries)),
            Some((_, Err(unreadable))) => (false, json!(unreadable.to_string())),
            None => (false, json!("not found: the pass is not kept")),
        };
        snapshot["pass"]["intact"] = json!(intact);
        snapshot["orgs"] = orgs;
    }
    Ok(())
}

impl Scope {
    /// How the export names what it covers: `case <id> (HR-1042)` or `period <from> .. <to>`.
    /// A case that does not exist is [`StoreError::CaseNotFound`].
    pub async fn title(&self, store: &dyn Store) -> Result<String, StoreError> {
        Ok(match *self {
            Scope::Case(id) => format!("case {id} ({})", store.case(id).await?.external_id),
            Scope::Period { from, to } => format!(
                "period {} .. {}",
                crate::text::when(from),
                crate::text::when(to)
            ),
        })
    }

    /// The evidence of up to `limit` cases of the scope, in id order, after `after`.
    pub async fn page(
        &self,
        store: &dyn Store,
        reports: &dyn ReportStore,
        after: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<CaseEvidence>, StoreError> {
        let mut page = self.cases(store, reports, after, limit).await?;
        with_reads(&mut page, reports).await?;
        Ok(page)
    }

    async fn cases(
        &self,
        store: &dyn Store,
        reports: &dyn ReportStore,
        after: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<CaseEvidence>, StoreError> {
        let (from, to) = match *self {
            Scope::Case(_) if after.is_some() => return Ok(Vec::new()),
            Scope::Case(id) => {
                let records = store.audit_events(Some(id)).await?;
                return Ok(vec![case_evidence(store.case(id).await?, records)]);
            }
            Scope::Period { from, to } => (from, to),
        };
        let ids = reports
            .cases_touched_between(from, to, after, limit)
            .await?;
        let mut records: HashMap<String, Vec<AuditRecord>> = HashMap::new();
        for record in reports.audit_of_cases(&ids, from, to).await? {
            let case = record.case_id.clone().unwrap_or_default();
            records.entry(case).or_default().push(record);
        }
        let mut page = Vec::with_capacity(ids.len());
        for (id, case) in store.cases(&ids).await? {
            let own = records.remove(&id.to_string()).unwrap_or_default();
            page.push(case_evidence(case?, own));
        }
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaver_core::{Ticket, TicketInput};
    use serde_json::json;

    fn record(seq: i64, kind: &str, actor: &str, data: Value) -> AuditRecord {
        AuditRecord {
            seq,
            at_ms: 1_796_000_000_000,
            case_id: None,
            actor: actor.into(),
            kind: kind.into(),
            data,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn approvals_once_times_in_rfc3339_and_calls_by_what_they_did() {
        let ticket = Ticket::parse(&TicketInput {
            external_id: Some("HR-1".into()),
            email: Some("bob@acme.test".into()),
            hub_username: Some("bob".into()),
            manager_email: Some("carol@acme.test".into()),
            ..TicketInput::default()
        })
        .expect("ticket");
        let case = Case::open(CaseId::random(), &ticket, OffsetDateTime::UNIX_EPOCH);
        let by_link = json!({"approver": "carol@acme.test", "decision": "approve",
                             "ip": "192.0.2.7", "user_agent": "Mozilla/5.0"});
        let records = vec![
            record(1, "approval_decided", "approver:carol@acme.test", by_link),
            record(
                2,
                "approved",
                "approver:carol@acme.test",
                json!({"event": {}}),
            ),
            record(
                3,
                "step_succeeded",
                "engine",
                json!({"event": {"note": "bob removed from acme-ai"}, "detail": {"evidence": null}}),
            ),
        ];
        let evidence = serde_json::to_value(case_evidence(case, records)).expect("json");
        let decisions = evidence["decisions"].as_array().expect("decisions");
        assert_eq!(decisions.len(), 1, "{decisions:?}");
        assert_eq!(decisions[0]["ip"], "192.0.2.7");
        assert_eq!(decisions[0]["at"], "2026-11-30T00:53:20Z");
        assert!(decisions[0].get("at_ms").is_none());
        let call = &evidence["hub_calls"][0];
        assert_eq!(call["note"], "bob removed from acme-ai");
        assert!(call.get("detail").is_none(), "{call}");
    }
}
