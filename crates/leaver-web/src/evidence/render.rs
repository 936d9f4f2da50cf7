//! Evidence as JSON (the whole structure), CSV (one line per audit record, with the decision and
//! Hub-call columns filled where they apply) or a printable HTML page.

use super::{CaseEvidence, Evidence};
use crate::views::when_ms;
use askama::Template;
use std::str::FromStr;

/// How to render evidence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Json,
    Csv,
    Html,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "html" => Ok(Format::Html),
            other => Err(format!("{other:?} is not one of json, csv, html")),
        }
    }
}

impl Format {
    /// The `Content-Type` of the rendering.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }
}

/// Renders `evidence` as `format`.
pub fn render(evidence: &Evidence, format: Format) -> anyhow::Result<String> {
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(evidence)?,
        Format::Csv => csv(evidence)?,
        Format::Html => EvidencePage { evidence }.render()?,
    })
}

/// The CSV columns.
pub const CSV_COLUMNS: [&str; 17] = [
    "case_id",
    "external_id",
    "hub_username",
    "seq",
    "at",
    "actor",
    "kind",
    "step_kind",
    "target",
    "outcome",
    "error",
    "approver",
    "decision",
    "reason",
    "ip",
    "user_agent",
    "detail",
];

fn csv(evidence: &Evidence) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_COLUMNS)?;
    for case in &evidence.cases {
        for record in &case.records {
            let decision = case.decisions.iter().find(|d| d.seq == record.seq);
            let call = case.hub_calls.iter().find(|c| c.seq == record.seq);
            let opt = |v: Option<&String>| v.cloned().unwrap_or_default();
            out.write_record([
                case.case.id.to_string(),
                case.case.external_id.to_string(),
                case.case.person.hub_username.to_string(),
                record.seq.to_string(),
                when_ms(record.at_ms),
                record.actor.clone(),
                record.kind.clone(),
                call.and_then(|c| c.kind)
                    .map(|k| k.to_string())
                    .unwrap_or_default(),
                opt(call.and_then(|c| c.target.as_ref())),
                call.map(|c| c.outcome.clone()).unwrap_or_default(),
                opt(call.and_then(|c| c.error.as_ref())),
                opt(decision.and_then(|d| d.approver.as_ref())),
                decision.map(|d| d.decision.clone()).unwrap_or_default(),
                opt(decision.and_then(|d| d.reason.as_ref())),
                opt(decision.and_then(|d| d.ip.as_ref())),
                opt(decision.and_then(|d| d.user_agent.as_ref())),
                record.data.to_string(),
            ])?;
        }
    }
    // The last line: blank but for `kind` and the chain verification as `detail`.
    let chain = serde_json::to_string(&evidence.chain)?;
    let mut last = [""; CSV_COLUMNS.len()];
    for (column, value) in [("kind", "chain_verification"), ("detail", chain.as_str())] {
        if let Some(at) = CSV_COLUMNS.iter().position(|c| *c == column) {
            last[at] = value;
        }
    }
    out.write_record(last)?;
    Ok(String::from_utf8(out.into_inner()?)?)
}

/// The printable page (`templates/evidence.html`).
#[derive(Template)]
#[template(path = "evidence.html")]
struct EvidencePage<'a> {
    evidence: &'a Evidence,
}

impl EvidencePage<'_> {
    fn when(&self, ms: &i64) -> String {
        when_ms(*ms)
    }

    fn pretty(&self, value: &serde_json::Value) -> String {
        serde_json::to_string_pretty(value).unwrap_or_default()
    }

    fn opt<'b>(&self, value: &'b Option<String>) -> &'b str {
        value.as_deref().unwrap_or("")
    }

    fn generated(&self) -> String {
        crate::views::when(self.evidence.generated_at)
    }

    fn created(&self, case: &CaseEvidence) -> String {
        crate::views::when(case.case.created_at)
    }
}
