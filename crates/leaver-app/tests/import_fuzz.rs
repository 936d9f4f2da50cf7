//! Property tests over the CSV import parser ([`leaver_app::import::preview`], what `leaver
//! import` and the `/import` page read a file with): arbitrary bytes and generated files of
//! shuffled columns, ragged rows, quotes, BOMs and bad values never panic; every problem names
//! a line and a column (or `header` / `row`); a line with a problem is never among the good
//! rows; good rows are unique by `external_id`. `preview` writes nothing: only the rows it
//! returns as good can be written, by a separate call.

use leaver_app::import::{COLUMNS, Preview, preview};
use proptest::prelude::*;
use std::collections::HashSet;

fn check(preview: &Preview) -> Result<(), TestCaseError> {
    let mut named: Vec<&str> = COLUMNS.to_vec();
    named.extend(["header", "row"]);
    for e in &preview.errors {
        prop_assert!(!e.message.trim().is_empty(), "{e} has no message");
        // Unknown header columns are named as they were written; every other problem names a
        // known column, the header or the row.
        prop_assert!(
            e.line == 1 || named.contains(&e.field.as_str()),
            "{e} names no known field"
        );
    }
    let bad: HashSet<u64> = preview.errors.iter().map(|e| e.line).collect();
    let mut ids = HashSet::new();
    for row in &preview.good {
        prop_assert!(
            !bad.contains(&row.line),
            "line {} is good and bad",
            row.line
        );
        prop_assert!(
            ids.insert(row.ticket.external_id.to_string()),
            "duplicate good id"
        );
    }
    prop_assert!(preview.good.len() <= preview.rows);
    Ok(())
}

/// A cell: a valid value for some column, an empty one, or junk (quotes, separators, newlines).
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "HR-[0-9]{1,4}",
        "[a-z]{1,6}@acme\\.test",
        "[a-z]{1,8}",
        "2026-12-0[1-9]T17:00:00Z",
        "[0-9/ -]{0,12}",
        Just(String::new()),
        "\"[a-z,;\"\n ]{0,10}\"",
        any::<String>().prop_map(|s| s.chars().take(20).collect()),
    ]
}

/// A file: a header of some known (and maybe unknown) columns in any order, then rows of
/// cells, sometimes with too few or too many.
fn csv_file() -> impl Strategy<Value = String> {
    let header = prop::sample::subsequence(COLUMNS.to_vec(), 0..=COLUMNS.len())
        .prop_shuffle()
        .prop_flat_map(|columns| {
            prop::option::weighted(0.2, "[A-Za-z_ ]{1,10}").prop_map(move |extra| {
                let mut c: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
                c.extend(extra);
                c
            })
        });
    (header, any::<bool>(), any::<bool>()).prop_flat_map(|(columns, bom, crlf)| {
        let width = columns.len();
        let row = prop::collection::vec(cell(), width.saturating_sub(1)..=width + 1);
        prop::collection::vec(row, 0..12).prop_map(move |rows| {
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut out = String::from(if bom { "\u{feff}" } else { "" });
            out.push_str(&columns.join(","));
            for row in rows {
                out.push_str(newline);
                out.push_str(&row.join(","));
            }
            out
        })
    })
}

proptest! {
    // 1,000 arbitrary byte strings and 1,000 generated files (up to 12 rows): each preview takes
    // well under a millisecond. A failure is shrunk for at most 30 s, so it reports, never hangs.
    #![proptest_config(ProptestConfig {
        max_shrink_time: 30_000,
        ..ProptestConfig::with_cases(1_000)
    })]

    #[test]
    fn arbitrary_bytes_preview_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(p) = preview(&bytes[..]) {
            check(&p)?;
        }
    }

    #[test]
    fn generated_files_preview_with_every_problem_named(file in csv_file()) {
        let p = preview(file.as_bytes()).expect("a small file is never refused whole");
        check(&p)?;
    }
}
