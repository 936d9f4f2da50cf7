//! CSV import of many tickets at once, for the `/import` page and `leaver import`: parse and
//! check every row first (each bad field named with its line), write nothing until asked, then
//! open a case per good row.
//!
//! Columns (by header name, any order; only the four required ones must be present):
//! `external_id,email,name,hub_username,manager_email,successor,effective_at,reason,run_now`,
//! separated by commas or semicolons (as the header line uses them: spreadsheets in much of
//! Europe save with `;`). `effective_at` reads as a ticket's does, in `LEAVER_TIMEZONE`; a time
//! in the past needs `run_now` (`true`, `yes`, `1`) on its row.
//!
//! A file holds at most [`MAX_ROWS`] rows and [`MAX_BYTES`] bytes: a bigger one is refused whole
//! before anything is written (a 30 MB file once made a 1.1 GB preview page). Pages and the CLI
//! list the first [`ERRORS_SHOWN`] problems and count the rest.

use crate::dates::{check_dated_ticket, run_now_flag};
use crate::{Error, Leaver, Result};
use leaver_core::input::Zone;
use leaver_core::{CaseId, FieldError, Ticket, TicketInput};
use leaver_store::{Actor, Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Cursor, Read};
use time::OffsetDateTime;

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
pub const COLUMNS: [&str; 9] = [
    "external_id",
    "email",
    "name",
    "hub_username",
    "manager_email",
    "successor",
    "effective_at",
    "reason",
    "run_now",
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
    /// The row's `run_now`: the case runs without waiting for its effective time.
    pub run_now: bool,
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

    /// Whether the header was refused, so that no row was read.
    pub fn bad_header(&self) -> bool {
        self.rows == 0 && self.errors.iter().any(|e| e.line == 1)
    }

    /// One line on what was read: `3 rows: 2 good, 1 with errors`, or why nothing was.
    pub fn summary(&self) -> String {
        if self.bad_header() {
            return "nothing was read: the header line is wrong (see above: columns are \
                    external_id,email,name,hub_username,manager_email,successor,effective_at,\
                    reason,run_now, separated by commas or semicolons)"
                .into();
        }
        format!(
            "{} {}: {} good, {} with errors",
            self.rows,
            if self.rows == 1 { "row" } else { "rows" },
            self.good.len(),
            self.bad_rows()
        )
    }
}

/// How an import reads times: in `zone`, and a time before `now` needs `run_now`.
#[derive(Clone, Debug)]
pub struct Dates {
    pub zone: Zone,
    pub now: Option<OffsetDateTime>,
}

impl Dates {
    /// Times in `zone`; one before `now` is refused on a row without `run_now`.
    pub fn new(zone: Zone, now: OffsetDateTime) -> Dates {
        Dates {
            zone,
            now: Some(now),
        }
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

pub(crate) fn error(line: u64, field: &str, message: impl Into<String>) -> RowError {
    RowError {
        line,
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Reads and checks the whole file, as it is read. A broken header or row becomes a
/// [`RowError`]; only a file over [`MAX_ROWS`] rows or [`MAX_BYTES`] bytes is [`Refused`].
/// Times read in UTC, with no check against the clock: see [`preview_in`].
pub fn preview(data: impl Read) -> std::result::Result<Preview, Refused> {
    preview_in(
        data,
        &Dates {
            zone: Zone::utc(),
            now: None,
        },
    )
}

/// [`preview`], reading times as `dates` says.
pub fn preview_in(data: impl Read, dates: &Dates) -> std::result::Result<Preview, Refused> {
    let mut seen: HashMap<String, u64> = HashMap::new();
    let table = read_table(data, &COLUMNS, &REQUIRED, |line, cell| {
        check_row(line, cell, dates, &mut seen)
    })?;
    Ok(Preview {
        good: table.good,
        errors: table.errors,
        rows: table.rows,
    })
}

/// A CSV file read row by row: what each good row became, and every problem, by line.
#[derive(Clone, Debug)]
pub(crate) struct Table<T> {
    pub good: Vec<T>,
    pub errors: Vec<RowError>,
    /// Data rows read (good or bad).
    pub rows: usize,
}

/// The machinery every CSV import shares (cases here, the roster in `crate::roster`): the
/// [`MAX_ROWS`] and [`MAX_BYTES`] caps, the `,` or `;` separator sniffed from the header, a
/// header checked against `columns` and `required` (any order, each problem named), and each
/// data row handed to `row` with its line and a reader of its cells by column name.
pub(crate) fn read_table<T>(
    data: impl Read,
    columns: &[&str],
    required: &[&str],
    mut row: impl FnMut(u64, &dyn Fn(&str) -> Option<String>) -> std::result::Result<T, Vec<RowError>>,
) -> std::result::Result<Table<T>, Refused> {
    // One byte more than allowed: if it is there, the file is too large.
    let mut data = BufReader::new(data.take(MAX_BYTES as u64 + 1));
    let mut head = Vec::new();
    // A read error shows again, with its line, when the CSV reader meets it.
    let _ = data.read_until(b'\n', &mut head);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        // Lines end at `\n` alone, so each record's line is the one an editor shows: a bare
        // `\r` would otherwise end a record without starting a line, and two records (one good,
        // one bad) would share a line number. The `\r` of a `\r\n` is trimmed with the cell.
        .terminator(csv::Terminator::Any(b'\n'))
        .delimiter(separator(&head))
        .from_reader(Cursor::new(head).chain(data));
    let mut out = Table {
        good: Vec::new(),
        errors: Vec::new(),
        rows: 0,
    };
    let header = check_header(&mut reader, columns, required, &mut out.errors);
    if out.errors.is_empty() {
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
            match row(line, &cell) {
                Ok(good) => out.good.push(good),
                Err(errors) => out.errors.extend(errors),
            }
        }
    }
    if reader.into_inner().into_inner().1.into_inner().limit() == 0 {
        return Err(Refused::TooLarge);
    }
    Ok(out)
}

/// The header's column names (lower-cased), each unknown or missing column put in `errors`.
fn check_header<R: Read>(
    reader: &mut csv::Reader<R>,
    columns: &[&str],
    required: &[&str],
    errors: &mut Vec<RowError>,
) -> Vec<String> {
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().trim_start_matches('\u{feff}').to_lowercase())
            .collect(),
        Err(e) => {
            errors.push(error(1, "header", format!("cannot read the header: {e}")));
            return Vec::new();
        }
    };
    for column in &header {
        if !columns.contains(&column.as_str()) {
            let message = format!("unknown column (expected some of {})", columns.join(","));
            errors.push(error(1, column, message));
        }
    }
    for column in required.iter().filter(|c| !header.iter().any(|h| h == *c)) {
        errors.push(error(
            1,
            column,
            "required column is missing from the header",
        ));
    }
    header
}

/// `;` when the header line has more semicolons than commas (outside quotes), else `,`.
fn separator(header: &[u8]) -> u8 {
    let (mut quoted, mut commas, mut semicolons) = (false, 0, 0);
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// One ticket row checked: its fields, its time, and its `external_id` not seen before.
fn check_row(
    line: u64,
    cell: &dyn Fn(&str) -> Option<String>,
    dates: &Dates,
    seen: &mut HashMap<String, u64>,
) -> std::result::Result<GoodRow, Vec<RowError>> {
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
    let run_now = run_now_flag(cell("run_now").as_deref());
    let checked = match dates.now {
        Some(now) => check_dated_ticket(&input, &dates.zone, now, run_now),
        None => Ticket::parse_in(&input, &dates.zone).map_err(Error::Invalid),
    };
    match checked {
        Err(Error::Invalid(fields)) => Err(fields
            .into_iter()
            .map(|f| error(line, f.field, f.message))
            .collect()),
        Err(other) => Err(vec![error(line, "row", other.to_string())]),
        Ok(ticket) => match seen.insert(ticket.external_id.to_string(), line) {
            Some(first) => Err(vec![error(
                line,
                "external_id",
                format!("{} is already on line {first}", ticket.external_id),
            )]),
            None => Ok(GoodRow {
                line,
                ticket,
                run_now,
            }),
        },
    }
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
                    Ok(opened) if opened.created => {
                        written.created += 1;
                        if row.run_now {
                            self.run_now(opened.case.id, actor).await?;
                        }
                    }
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
    fn semicolons_run_now_and_local_dates_are_read() {
        let csv = "external_id;email;hub_username;manager_email;effective_at;run_now\n\
                   HR-1;bob@acme.test;bob;carol@acme.test;2026-12-15;\n\
                   HR-2;dan@acme.test;dan;carol@acme.test;2026-11-01;\n\
                   HR-3;eve@acme.test;eve;carol@acme.test;2026-11-01;yes\n\
                   HR-4;fay@acme.test;fay;carol@acme.test;12/31/2026;\n";
        let paris = Zone::named("Europe/Paris").expect("known");
        let now = time::macros::datetime!(2026-12-01 12:00 UTC);
        let preview = preview_in(csv.as_bytes(), &Dates::new(paris, now)).expect("read");
        let good: Vec<(&str, bool)> = preview
            .good
            .iter()
            .map(|r| (r.ticket.external_id.as_str(), r.run_now))
            .collect();
        assert_eq!(good, [("HR-1", false), ("HR-3", true)]);
        assert_eq!(
            preview.good[0].ticket.effective_at,
            Some(time::macros::datetime!(2026-12-14 23:00 UTC))
        );
        let errors: Vec<String> = preview.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("line 3: effective_at: is in the past"),
            "{errors:?}"
        );
        assert!(errors[1].contains("either way round"), "{errors:?}");
        assert_eq!(preview.summary(), "4 rows: 2 good, 2 with errors");
    }

    #[test]
    fn a_bare_carriage_return_is_part_of_its_line_not_a_new_record() {
        // Found by the property test: a good row and a bad one after a bare `\r` on one line.
        let csv = "external_id,email,hub_username,manager_email\r\n\
                   HR-1,bob@acme.test,bob,carol@acme.test\rHR-2,x\r\n\
                   HR-3,dan@acme.test,dan,\"carol@acme.test\"\r\n";
        let preview = preview(csv.as_bytes()).expect("not refused");
        let lines: Vec<(u64, &str)> = preview
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(lines, [(2, "row")], "{:?}", preview.errors);
        let good: Vec<(u64, &str)> = preview
            .good
            .iter()
            .map(|r| (r.line, r.ticket.external_id.as_str()))
            .collect();
        assert_eq!(good, [(3, "HR-3")]);
    }

    #[test]
    fn a_bad_header_says_so_instead_of_counting_rows() {
        let preview = preview(&b"id,mail\nHR-1,x\n"[..]).expect("not refused");
        assert!(preview.bad_header());
        assert!(preview.summary().contains("the header line is wrong"));
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
