//! CSV that a spreadsheet opens as data. Excel, LibreOffice and Google Sheets run a cell that
//! starts with `=`, `+`, `-` or `@` as a formula (and skip a leading tab, CR or LF first), so a
//! ticket id, a reason or a browser string of `=HYPERLINK(...)` in an export would run on the
//! auditor's machine. Every cell Leaver writes to CSV goes through [`cell`] (OWASP's advice:
//! such a cell gets a leading `'`, which makes it text); the writer quotes any cell holding a
//! comma, quote or line break, so no cell can spill into the next one.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula, when they come first
/// (after any spaces): OWASP's list, line feed, and their full-width forms.
const FORMULA_STARTS: [char; 11] = [
    '=', '+', '-', '@', '\t', '\r', '\n', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// `value`, made inert for a spreadsheet: prefixed with `'` if it would start a formula.
pub fn cell(value: &str) -> Cow<'_, str> {
    match value.trim_start_matches(' ').chars().next() {
        Some(first) if FORMULA_STARTS.contains(&first) => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// CSV rows whose every cell has gone through [`cell`]: the one way Leaver writes CSV.
pub struct SafeCsv(csv::Writer<Vec<u8>>);

impl Default for SafeCsv {
    fn default() -> SafeCsv {
        SafeCsv(csv::Writer::from_writer(Vec::new()))
    }
}

impl SafeCsv {
    /// Appends one row.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> csv::Result<()> {
        self.0
            .write_record(cells.into_iter().map(|c| cell(c.as_ref()).into_owned()))
    }

    /// The rows written, as bytes.
    pub fn into_bytes(self) -> anyhow::Result<Vec<u8>> {
        Ok(self.0.into_inner()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_start_a_formula_become_text() {
        for raw in [
            "=1+1",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "  =1",
            "\u{FF1D}1+1",
        ] {
            assert_eq!(cell(raw), format!("'{raw}"), "{raw:?}");
        }
        for raw in ["HR-1042", "bob@acme.test", "", "{\"a\":1}", "'quoted"] {
            assert_eq!(cell(raw), raw);
        }
    }

    #[test]
    fn a_row_is_written_with_every_cell_made_safe_and_quoted_where_needed() {
        let mut csv = SafeCsv::default();
        csv.row(["=cmd|' /C calc'!A0", "a,b", "ok"]).expect("row");
        let text = String::from_utf8(csv.into_bytes().expect("bytes")).expect("utf-8");
        assert_eq!(text, "'=cmd|' /C calc'!A0,\"a,b\",ok\n");
    }
}
