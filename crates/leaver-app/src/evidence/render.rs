//! Evidence as JSON (the whole structure), CSV (one line per audit record, with the decision and
//! Hub-call columns filled where they apply) or a printable HTML page. JSON and CSV come in
//! pieces (an opening, pages of cases, a closing) so that an export is written as it is read.

use super::spreadsheet::SafeCsv;
use super::{CaseEvidence, Evidence};
use crate::text::when_ms;
use askama::Template;
use leaver_store::ChainCheck;
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

/// The start of a JSON or CSV export: the JSON document up to its `cases` array, or the CSV
/// header row.
pub(super) fn opening(format: Format, generated_at: &str, scope: &str) -> anyhow::Result<Vec<u8>> {
    if format == Format::Csv {
        let mut out = SafeCsv::default();
        out.row(CSV_COLUMNS)?;
        return out.into_bytes();
    }
    let (at, scope) = (
        serde_json::to_string(generated_at)?,
        serde_json::to_string(scope)?,
    );
    Ok(
        format!("{{\n  \"generated_at\": {at},\n  \"scope\": {scope},\n  \"cases\": [")
            .into_bytes(),
    )
}

/// A page of cases: JSON array items (`first` has no comma before it), or one CSV line per
/// audit record with the decision and Hub-call columns filled where they apply.
pub(super) fn cases(
    format: Format,
    cases: &[CaseEvidence],
    first: bool,
) -> anyhow::Result<Vec<u8>> {
    if format == Format::Csv {
        let mut out = SafeCsv::default();
        for case in cases {
            csv_rows(&mut out, case)?;
        }
        return out.into_bytes();
    }
    let mut out = String::new();
    for (n, case) in cases.iter().enumerate() {
        if n > 0 || !first {
            out.push(',');
        }
        out.push_str("\n    ");
        out.push_str(&serde_json::to_string_pretty(case)?.replace('\n', "\n    "));
    }
    Ok(out.into_bytes())
}

/// The end of a JSON or CSV export: the chain's check (a last CSV line, blank but for `kind`
/// and `detail`).
pub(super) fn closing(format: Format, chain: &ChainCheck) -> anyhow::Result<Vec<u8>> {
    let chain = serde_json::to_string(chain)?;
    if format == Format::Csv {
        let mut last = [""; CSV_COLUMNS.len()];
        for (column, value) in [("kind", "chain_verification"), ("detail", chain.as_str())] {
            if let Some(at) = CSV_COLUMNS.iter().position(|c| *c == column) {
                last[at] = value;
            }
        }
        let mut out = SafeCsv::default();
        out.row(last)?;
        return out.into_bytes();
    }
    Ok(format!("\n  ],\n  \"chain\": {chain}\n}}\n").into_bytes())
}

fn csv_rows(out: &mut SafeCsv, case: &CaseEvidence) -> anyhow::Result<()> {
    for record in &case.records {
        let decision = case.decisions.iter().find(|d| d.seq == record.seq);
        let call = case.hub_calls.iter().find(|c| c.seq == record.seq);
        let opt = |v: Option<&String>| v.cloned().unwrap_or_default();
        out.row([
            case.case.id.to_string(),
            case.case.external_id.to_string(),
            case.case.person.hub_username_text().to_owned(),
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
    Ok(())
}

/// The printable page of `evidence`.
pub(super) fn page(evidence: &Evidence) -> anyhow::Result<Vec<u8>> {
    Ok(EvidencePage {
        evidence,
        cap: super::export::PAGE_CAP,
    }
    .render()?
    .into_bytes())
}

/// The printable page (`templates/evidence.html`).
#[derive(Template)]
#[template(path = "evidence.html")]
struct EvidencePage<'a> {
    evidence: &'a Evidence,
    /// The most cases a page shows.
    cap: u32,
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
        crate::text::when(self.evidence.generated_at)
    }

    fn created(&self, case: &CaseEvidence) -> String {
        crate::text::when(case.case.created_at)
    }
}
