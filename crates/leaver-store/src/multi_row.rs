//! Multi-row statements: one `INSERT .. VALUES (..), (..)` or `WHERE .. IN (..)` for many rows
//! instead of one statement each, because a batch's time goes into per-statement round trips far
//! more than into the rows themselves.

/// At most this many bound values per statement: well under SQLite's 32,766 and Postgres's
/// 65,535.
const MAX_BINDS: usize = 4_000;

/// How many rows of `columns` values fit in one statement.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (MAX_BINDS / columns.max(1)).max(1)
}

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` values each.
pub(crate) fn values(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", numbered(row * columns + 1, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$1, $2, $3` for an `IN (..)` list of `n` values.
pub(crate) fn list(n: usize) -> String {
    numbered(1, n)
}

/// `$first, .., $(first + n - 1)`.
pub(crate) fn numbered(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_then_columns() {
        assert_eq!(values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(list(3), "$1, $2, $3");
        assert_eq!(numbered(4, 2), "$4, $5");
        assert_eq!(rows_per_statement(8), 500);
    }
}
