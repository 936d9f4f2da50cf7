//! Evidence for auditors, for one case or a period: the plan, every decision with who, when,
//! from where; every Hub call's outcome; the verify step's snapshot of the Hub; and whether the
//! audit chain checks out. Gathered from the store here, rendered as JSON, CSV or a printable
//! page in [`render`]. Shared by the pages and `leaver audit export`.

pub mod render;

use leaver_core::audit::AuditRecord;
use leaver_core::{Case, CaseId, StepId, StepKind};
use leaver_store::{AuditReport, ReportStore, Store, StoreError};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// Audit kinds that record a decision on a plan.
const DECISIONS: [&str; 3] = ["approval_decided", "approved", "rejected"];
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
    pub at_ms: i64,
    pub step: Option<String>,
    pub kind: Option<StepKind>,
    pub target: Option<String>,
    /// The audit kind: `step_succeeded`, `step_failed`, ...
    pub outcome: String,
    pub error: Option<String>,
    /// What the engine recorded (the Hub's answer, the attempt, the evidence).
    pub detail: Value,
}

/// Everything about one case.
#[derive(Clone, Debug, Serialize)]
pub struct CaseEvidence {
    pub case: Case,
    pub decisions: Vec<Decision>,
    pub hub_calls: Vec<HubCall>,
    /// The verify step's reading of the Hub, if it ran.
    pub verify_snapshot: Option<Value>,
    /// Every audit record of the case (within the period, for a period export).
    pub records: Vec<AuditRecord>,
}

/// An export: one case, or every case touched in a period.
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    /// `case <id>` or `period <from> .. <to>`.
    pub scope: String,
    /// The whole chain's verification.
    pub chain: AuditReport,
    pub cases: Vec<CaseEvidence>,
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
        _ => "approve".into(),
    });
    let reason = field("reason").or_else(|| {
        data.pointer("/event/reason")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    Decision {
        seq: record.seq,
        at_ms: record.at_ms,
        actor: record.actor.clone(),
        approver: field("approver")
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
        at_ms: record.at_ms,
        step: step_id.map(|s| s.to_string()),
        kind: step.map(|s| s.kind),
        target: step.map(|s| s.target.to_string()),
        outcome: record.kind.clone(),
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
    let decisions = records
        .iter()
        .filter(|r| DECISIONS.contains(&r.kind.as_str()))
        .map(decision)
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
    CaseEvidence {
        case,
        decisions,
        hub_calls,
        verify_snapshot,
        records,
    }
}

/// A period bound: an RFC 3339 time, or a date (its start; with `end`, the start of the next
/// day, so that the date is included).
pub fn period_bound(raw: &str, end: bool) -> Result<OffsetDateTime, String> {
    let raw = raw.trim();
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Ok(t);
    }
    let date = Date::parse(raw, format_description!("[year]-[month]-[day]")).map_err(|_| {
        format!("{raw:?} is not a date like 2026-11-01 or a time like 2026-11-01T00:00:00Z")
    })?;
    let start = date.midnight().assume_utc();
    Ok(if end {
        start + time::Duration::days(1)
    } else {
        start
    })
}

/// The evidence for one case.
pub async fn for_case(store: &dyn Store, id: CaseId) -> Result<Evidence, StoreError> {
    let case = store.case(id).await?;
    let records = store.audit_events(Some(id)).await?;
    Ok(Evidence {
        generated_at: OffsetDateTime::now_utc(),
        scope: format!("case {id} ({})", case.external_id),
        chain: store.verify_audit().await?,
        cases: vec![case_evidence(case, records)],
    })
}

/// The evidence for every case with audit records in `from <= at < to`.
pub async fn for_period(
    store: &dyn Store,
    reports: &dyn ReportStore,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Evidence, StoreError> {
    let records = reports.audit_between(from, to).await?;
    let ids: BTreeSet<String> = records.iter().filter_map(|r| r.case_id.clone()).collect();
    let mut cases = Vec::with_capacity(ids.len());
    for id in ids {
        let Ok(case_id) = id.parse::<CaseId>() else {
            continue;
        };
        let case = store.case(case_id).await?;
        let own = records
            .iter()
            .filter(|r| r.case_id.as_deref() == Some(id.as_str()))
            .cloned()
            .collect();
        cases.push(case_evidence(case, own));
    }
    Ok(Evidence {
        generated_at: OffsetDateTime::now_utc(),
        scope: format!(
            "period {} .. {}",
            crate::views::when(from),
            crate::views::when(to)
        ),
        chain: store.verify_audit().await?,
        cases,
    })
}
