//! CSV import of many tickets at once, for the `/import` page and `leaver import`: parse and
//! check every row first (each bad field named with its line), write nothing until asked, then
//! open a case per good row.
//!
//! Columns (by header name, any order; only the four required ones must be present):
//! `external_id,email,name,hub_username,manager_email,successor,effective_at,reason`.
//!
//! A file holds at most [`MAX_ROWS`] rows and [`MAX_BYTES`] bytes: a bigger one is refused whole
//! before anything is written (a 30 MB file once made a 1.1 GB preview page). Pages and the CLI
//! list the first [`ERRORS_SHOWN`] problems and count the rest.

use crate::{Leaver, Result};
use leaver_core::{CaseId, FieldError, Ticket, TicketInput};
use leaver_store::{Actor, Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;

/// The most data rows one import takes.
pub const MAX_ROWS: usize = 10_000;
/// The largest file one import takes: 10,000 rows of up to about 1 KiB.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// How many problems a preview lists; the rest are counted.
pub const ERRORS_SHOWN: usize = 100;

/// Why a whole file is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("has more than 10,000 rows: split it into files of at most 10,000 rows")]
    TooManyRows,
    #[error("is larger than 10 MiB: split it into smaller files")]
    TooLarge,
}

impl From<Refused> for FieldError {
    fn from(refused: Refused) -> FieldError {
        FieldError {
            field: "file",
            message: refused.to_string(),
        }
    }
}

/// The columns an import file may have, in the order of the contract.
pub const COLUMNS: [&str; 8] = [
    "external_id",
    "email",
    "name",
    "hub_username",
    "manager_email",
    "successor",
    "effective_at",
    "reason",
];

/// The columns that must be in the header.
const REQUIRED: [&str; 4] = ["external_id", "email", "hub_username", "manager_email"];

/// One problem in the file: its line (1 is the header) and the column it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.message)
    }
}

/// A row that passed every check.
#[derive(Clone, Debug)]
pub struct GoodRow {
    pub line: u64,
    pub ticket: Ticket,
}

/// What a file holds, checked, before anything is written.
#[derive(Clone, Debug, Default)]
pub struct Preview {
    pub good: Vec<GoodRow>,
    pub errors: Vec<RowError>,
    /// Data rows read (good or bad).
    pub rows: usize,
}

impl Preview {
    /// Lines with at least one error.
    pub fn bad_rows(&self) -> usize {
        let mut lines: Vec<u64> = self.errors.iter().map(|e| e.line).collect();
        lines.dedup();
        lines.len()
    }
}

/// What writing the good rows did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Written {
    /// Cases opened by this import.
    pub created: usize,
    /// Rows whose ticket was already open (same content): nothing new.
    pub existing: usize,
    /// Rows refused while writing (the same `external_id` with different content).
    pub errors: Vec<RowError>,
}

fn error(line: u64, field: &str, message: impl Into<String>) -> RowError {
    RowError {
        line,
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Reads and checks the whole file, as it is read. A broken header or row becomes a
/// [`RowError`]; only a file over [`MAX_ROWS`] rows or [`MAX_BYTES`] bytes is [`Refused`].
pub fn preview(data: impl Read) -> std::result::Result<Preview, Refused> {
    // One byte more than allowed: if it is there, the file is too large.
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(data.take(MAX_BYTES as u64 + 1));
    let out = check_rows(&mut reader)?;
    if reader.into_inner().limit() == 0 {
        return Err(Refused::TooLarge);
    }
    Ok(out)
}

fn check_rows<R: Read>(reader: &mut csv::Reader<R>) -> std::result::Result<Preview, Refused> {
    let mut out = Preview::default();
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().trim_start_matches('\u{feff}').to_lowercase())
            .collect(),
        Err(e) => {
            out.errors
                .push(error(1, "header", format!("cannot read the header: {e}")));
            return Ok(out);
        }
    };
    for column in &header {
        if !COLUMNS.contains(&column.as_str()) {
            let message = format!("unknown column (expected some of {})", COLUMNS.join(","));
            out.errors.push(error(1, column, message));
        }
    }
    for column in REQUIRED.iter().filter(|c| !header.iter().any(|h| h == *c)) {
        out.errors.push(error(
            1,
            column,
            "required column is missing from the header",
        ));
    }
    if !out.errors.is_empty() {
        return Ok(out);
    }
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        out.rows += 1;
        if out.rows > MAX_ROWS {
            return Err(Refused::TooManyRows);
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                out.errors
                    .push(error(line, "row", format!("cannot be read: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |name: &str| {
            let at = header.iter().position(|h| h == name)?;
            record.get(at).map(str::to_owned)
        };
        let input = TicketInput {
            external_id: cell("external_id"),
            email: cell("email"),
            name: cell("name"),
            hub_username: cell("hub_username"),
            manager_email: cell("manager_email"),
            successor: cell("successor"),
            effective_at: cell("effective_at"),
            reason: cell("reason"),
        };
        match Ticket::parse(&input) {
            Err(fields) => {
                out.errors
                    .extend(fields.into_iter().map(|f| error(line, f.field, f.message)));
            }
            Ok(ticket) => match seen.insert(ticket.external_id.to_string(), line) {
                Some(first) => out.errors.push(error(
                    line,
                    "external_id",
                    format!("{} is already on line {first}", ticket.external_id),
                )),
                None => out.good.push(GoodRow { line, ticket }),
            },
        }
    }
    Ok(out)
}

/// Rows written per transaction: big enough that 10,000 rows take seconds, small enough that
/// the database's one writer is never held for long.
const BATCH: usize = 500;

impl Leaver {
    /// Opens a case for each good row, `BATCH` rows per transaction (a conflicting row fails
    /// alone), calling `progress` with the number of rows done after each batch.
    pub async fn import(
        &self,
        rows: &[GoodRow],
        actor: &Actor,
        mut progress: impl FnMut(usize),
    ) -> Result<Written> {
        let mut written = Written::default();
        let mut done = 0;
        for chunk in rows.chunks(BATCH) {
            let tickets: Vec<_> = chunk
                .iter()
                .map(|r| (r.ticket.clone(), CaseId::random()))
                .collect();
            let results = self.store.open_cases(&tickets, actor, self.now()).await?;
            for (row, result) in chunk.iter().zip(results) {
                match result {
                    Ok(opened) if opened.created => written.created += 1,
                    Ok(_) => written.existing += 1,
                    Err(conflict @ StoreError::Conflict { .. }) => {
                        written
                            .errors
                            .push(error(row.line, "external_id", conflict.to_string()));
                    }
                    Err(other) => return Err(other.into()),
                }
            }
            done += chunk.len();
            progress(done);
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_flagged_with_its_line() {
        let csv = "external_id,email,hub_username,manager_email,effective_at\n\
                   HR-1,bob@acme.test,bob,carol@acme.test,\n\
                   HR-2,not-an-email,-x,carol@acme.test,tomorrow\n\
                   HR-1,bob@acme.test,bob,carol@acme.test,\n";
        let preview = preview(csv.as_bytes()).expect("not refused");
        assert_eq!(preview.rows, 3);
        assert_eq!(preview.good.len(), 1);
        let flagged: Vec<(u64, &str)> = preview
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(
            flagged,
            [
                (3, "email"),
                (3, "hub_username"),
                (3, "effective_at"),
                (4, "external_id")
            ]
        );
        assert_eq!(preview.bad_rows(), 2);
    }

    #[test]
    fn a_header_without_required_columns_is_refused_whole() {
        let preview = preview(&b"external_id,mail\nHR-1,x\n"[..]).expect("not refused");
        let fields: Vec<&str> = preview.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["mail", "email", "hub_username", "manager_email"]);
        assert!(preview.good.is_empty());
    }

    #[test]
    fn a_file_over_the_row_or_byte_cap_is_refused_whole() {
        let header = "external_id,email,hub_username,manager_email\n";
        let row = |n: usize| format!("HR-{n},u{n}@acme.test,u{n},carol@acme.test\n");
        let rows = |count: usize| header.to_owned() + &(0..count).map(row).collect::<String>();
        assert_eq!(
            preview(rows(MAX_ROWS).as_bytes()).map(|p| p.good.len()),
            Ok(MAX_ROWS)
        );
        assert_eq!(
            preview(rows(MAX_ROWS + 1).as_bytes()).map(|p| p.rows),
            Err(Refused::TooManyRows)
        );
        let long = format!("{header}HR-1,{},u,carol@acme.test\n", "x".repeat(MAX_BYTES));
        assert_eq!(
            preview(long.as_bytes()).map(|p| p.rows),
            Err(Refused::TooLarge)
        );
    }
}
