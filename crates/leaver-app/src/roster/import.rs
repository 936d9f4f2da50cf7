//! Reading a roster CSV and making it the roster. Columns (by header name, any order):
//! `email,hub_username,status,end_date,manager_email`; `email` and `status` are required.
//! Read with the case import's machinery ([`crate::import`]): the same caps, separator and
//! field-named errors by line. A file with any error changes nothing: a roster missing rows
//! would show the people on them as orphans.

use crate::import::{Refused, RowError, error, read_table};
use crate::{Error, Leaver, Result};
use leaver_core::FieldError;
use leaver_core::roster::{RosterEntry, RosterEntryInput, RosterSource};
use leaver_store::Actor;
use leaver_store::roster::{RosterImport, RosterStore};
use std::collections::HashMap;
use std::io::Read;

/// The columns of a roster file, in the contract's order.
pub const COLUMNS: [&str; 5] = [
    "email",
    "hub_username",
    "status",
    "end_date",
    "manager_email",
];
const REQUIRED: [&str; 2] = ["email", "status"];

/// A roster file, checked, before anything is written.
#[derive(Clone, Debug, Default)]
pub struct RosterPreview {
    pub entries: Vec<RosterEntry>,
    pub errors: Vec<RowError>,
    /// Data rows read.
    pub rows: usize,
}

impl RosterPreview {
    /// `3 rows: 2 active, 1 terminated, 0 with errors`.
    pub fn summary(&self) -> String {
        let terminated = self
            .entries
            .iter()
            .filter(|e| e.status == leaver_core::roster::RosterStatus::Terminated)
            .count();
        let mut bad: Vec<u64> = self.errors.iter().map(|e| e.line).collect();
        bad.dedup();
        format!(
            "{} {}: {} active, {} terminated, {} with errors",
            self.rows,
            if self.rows == 1 { "row" } else { "rows" },
            self.entries.len() - terminated,
            terminated,
            bad.len()
        )
    }
}

/// Reads and checks a roster file; a Hub username or email twice is an error on the later line.
pub fn preview(data: impl Read) -> std::result::Result<RosterPreview, Refused> {
    let mut emails: HashMap<String, u64> = HashMap::new();
    let mut users: HashMap<String, u64> = HashMap::new();
    let table = read_table(data, &COLUMNS, &REQUIRED, |line, cell| {
        let input = RosterEntryInput {
            email: cell("email"),
            hub_username: cell("hub_username"),
            status: cell("status"),
            end_date: cell("end_date"),
            manager_email: cell("manager_email"),
        };
        let entry = RosterEntry::parse(&input, RosterSource::Csv).map_err(|fields| {
            fields
                .into_iter()
                .map(|f| error(line, f.field, f.message))
                .collect::<Vec<_>>()
        })?;
        let mut twice = Vec::new();
        if let Some(first) = emails.insert(entry.email.as_str().to_lowercase(), line) {
            twice.push(error(
                line,
                "email",
                format!("{} is already on line {first}", entry.email),
            ));
        }
        if let Some(user) = &entry.hub_username
            && let Some(first) = users.insert(user.as_str().to_ascii_lowercase(), line)
        {
            twice.push(error(
                line,
                "hub_username",
                format!("{user} is already on line {first}"),
            ));
        }
        if twice.is_empty() {
            Ok(entry)
        } else {
            Err(twice)
        }
    })?;
    Ok(RosterPreview {
        entries: table.good,
        errors: table.errors,
        rows: table.rows,
    })
}

impl Leaver {
    /// Makes the previewed file the roster (replacing the previous import, audited with the
    /// counts, `actor` and now). Refused, naming the first problems, when the file had any.
    pub async fn import_roster(
        &self,
        preview: &RosterPreview,
        actor: &Actor,
    ) -> Result<RosterImport> {
        if !preview.errors.is_empty() {
            let fields = preview
                .errors
                .iter()
                .take(crate::import::ERRORS_SHOWN)
                .map(|e| FieldError {
                    field: "file",
                    message: e.to_string(),
                })
                .collect();
            return Err(Error::Invalid(fields));
        }
        Ok(self
            .store
            .replace_roster(&preview.entries, actor, self.now())
            .await?)
    }

    /// The imports, newest first (the first is the roster).
    pub async fn roster_imports(&self, limit: u32) -> Result<Vec<RosterImport>> {
        Ok(self.store.roster_imports(limit).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_named_with_its_line() {
        let csv = "email;hub_username;status;end_date;manager_email\n\
                   bob@acme.test;bob;terminated;2026-11-30;carol@acme.test\n\
                   nope;-x;gone;30/11/2026;\n\
                   BOB@acme.test;Bob;active;;\n";
        let preview = preview(csv.as_bytes()).expect("read");
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
                (3, "status"),
                (3, "end_date"),
                (4, "email"),
                (4, "hub_username")
            ]
        );
        assert_eq!(preview.entries.len(), 1);
        assert_eq!(
            preview.summary(),
            "3 rows: 0 active, 1 terminated, 2 with errors"
        );
    }

    #[test]
    fn a_header_without_status_is_refused() {
        let preview = preview(&b"email,user\na@acme.test,a\n"[..]).expect("read");
        let fields: Vec<&str> = preview.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["user", "status"]);
        assert_eq!(preview.rows, 0);
    }
}
