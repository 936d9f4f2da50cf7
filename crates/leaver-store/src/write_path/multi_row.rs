//! Multi-row statements: one `INSERT .. VALUES (..), (..)` or `WHERE .. IN (..)` for many rows
//! instead of one statement each, because a batch's time goes into per-statement round trips far
//! more than into the rows themselves.
//!
//! On SQLite the values are marked `?` (bound in order) rather than `$n`: SQLite resolves each
//! `$n` by a linear search of the statement's names, which makes binding a statement with
//! hundreds of values quadratic.

use sqlx::AnyConnection;

/// At most this many bound values per statement.
const MAX_BINDS: usize = 1_000;

/// How many rows of `columns` values fit in one statement.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (MAX_BINDS / columns.max(1)).max(1)
}

/// How a connection's statements mark bound values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marks {
    /// `$1, $2, ..` (Postgres).
    Numbered,
    /// `?, ?, ..`, bound in order (SQLite).
    Positional,
}

impl Marks {
    pub(crate) fn of(conn: &AnyConnection) -> Marks {
        if conn.backend_name().eq_ignore_ascii_case("sqlite") {
            Marks::Positional
        } else {
            Marks::Numbered
        }
    }

    /// The mark of the `n`th value (from 1).
    pub(crate) fn mark(self, n: usize) -> String {
        match self {
            Marks::Numbered => format!("${n}"),
            Marks::Positional => "?".to_owned(),
        }
    }

    /// `($1, $2), ($3, $4)` for `rows` rows of `columns` values each.
    pub(crate) fn values(self, rows: usize, columns: usize) -> String {
        (0..rows)
            .map(|row| format!("({})", self.run(row * columns + 1, columns)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `$1, $2, $3` for an `IN (..)` list of `n` values.
    pub(crate) fn list(self, n: usize) -> String {
        self.run(1, n)
    }

    /// The marks of values `first .. first + n`.
    fn run(self, first: usize, n: usize) -> String {
        (first..first + n)
            .map(|i| self.mark(i))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_numbered_by_row_then_column_or_marked_in_order() {
        assert_eq!(Marks::Numbered.values(2, 2), "($1, $2), ($3, $4)");
        assert_eq!(Marks::Positional.values(2, 2), "(?, ?), (?, ?)");
        assert_eq!(Marks::Numbered.list(3), "$1, $2, $3");
        assert_eq!(rows_per_statement(8), 125);
    }
}
