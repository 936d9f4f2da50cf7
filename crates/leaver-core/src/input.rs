//! The rules every value typed by a person or sent by another system obeys, wherever it enters
//! (tickets, PATCH, CSV, forms, query parameters, CLI flags): times in a range every store and
//! every format can hold, and free text of bounded length with no control or bidi characters.
//!
//! A value that passes these never fails later, when it is stored, read back or rendered.

mod zone;

pub use zone::Zone;

use time::format_description::well_known::Rfc3339;
use time::macros::{datetime, format_description};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// The earliest time Leaver accepts (in UTC).
pub const EARLIEST: OffsetDateTime = datetime!(1970-01-01 00:00:00 UTC);
/// The first time Leaver no longer accepts (in UTC): any time before it, plus a day, can still
/// be formatted, stored as Unix milliseconds and read back on SQLite and Postgres.
pub const END_OF_TIME: OffsetDateTime = datetime!(9999-01-01 00:00:00 UTC);

/// Longest free text (a name, a reason, a note) Leaver keeps, in characters.
pub const MAX_TEXT: usize = 500;

/// `t` in UTC, if it lies in `EARLIEST..END_OF_TIME`.
pub fn in_range(t: OffsetDateTime) -> Result<OffsetDateTime, String> {
    // `to_offset` panics when the result leaves `time`'s own range (year 10000 and later);
    // `checked_to_offset` does not.
    let utc = t
        .checked_to_offset(UtcOffset::UTC)
        .ok_or_else(|| out_of_range(t))?;
    if (EARLIEST..END_OF_TIME).contains(&utc) {
        Ok(utc)
    } else {
        Err(out_of_range(t))
    }
}

fn out_of_range(t: OffsetDateTime) -> String {
    let shown = t.format(&Rfc3339).unwrap_or_else(|_| format!("{t}"));
    format!("{shown} is out of range: times must fall between 1970-01-01 and 9998-12-31 (UTC)")
}

/// An RFC 3339 time (`2026-12-01T17:00:00Z`, any offset), in UTC and in range.
pub fn time(raw: &str) -> Result<OffsetDateTime, String> {
    let raw = raw.trim();
    let parsed = OffsetDateTime::parse(raw, &Rfc3339).map_err(|e| {
        format!(
            "{:?} is not an RFC 3339 time like 2026-12-01T17:00:00Z ({e})",
            shorten(raw)
        )
    })?;
    in_range(parsed)
}

/// When a ticket takes effect, as people write it: an RFC 3339 time with any offset
/// (`2026-12-15T09:00:00+01:00`, kept as that instant), a date alone (`2026-12-15`: the start of
/// that day in `zone`), or a time without an offset (`2026-12-15T09:00`, what a browser's
/// date-time field sends: in `zone`). Anything else, `12/31/2026` included (whose day and month
/// could be either way round), is refused with the forms that are read.
pub fn effective_at(raw: &str, zone: &Zone) -> Result<OffsetDateTime, String> {
    let raw = raw.trim();
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return in_range(t);
    }
    if let Ok(date) = Date::parse(raw, format_description!("[year]-[month]-[day]")) {
        return in_range(zone.local(date.midnight())?);
    }
    let local = [
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
    ];
    if let Some(t) = local
        .iter()
        .find_map(|format| PrimitiveDateTime::parse(raw, format).ok())
    {
        return in_range(zone.local(t)?);
    }
    let ambiguous = if raw.contains('/') || raw.contains('.') {
        " (a date like 12/31/2026 is not read: its day and month could be either way round)"
    } else {
        ""
    };
    Err(format!(
        "{:?} is not a time Leaver reads{ambiguous}: write a date like 2026-12-15 (the start of \
         that day in {zone}), a time like 2026-12-15T09:00 (in {zone}) or an RFC 3339 time like \
         2026-12-15T09:00:00+01:00",
        shorten(raw)
    ))
}

/// Refuses a time in the past (more than a minute before `now`, for clocks that differ a
/// little), showing it in `zone`, unless the sender asked to run at once.
pub fn not_past(at: OffsetDateTime, now: OffsetDateTime, zone: &Zone) -> Result<(), String> {
    if at >= now - Duration::minutes(1) {
        return Ok(());
    }
    Err(format!(
        "is in the past ({}); send run_now: true / --now to run at once",
        zone.format(at)
    ))
}

/// A bound of a period: an RFC 3339 time, or a date. A date means its start (midnight UTC);
/// as the `end` of a period, the start of the next day, so that the date is included.
pub fn period_bound(raw: &str, end: bool) -> Result<OffsetDateTime, String> {
    let raw = raw.trim();
    if OffsetDateTime::parse(raw, &Rfc3339).is_ok() {
        return time(raw);
    }
    let date = Date::parse(raw, format_description!("[year]-[month]-[day]")).map_err(|_| {
        format!(
            "{:?} is not a date like 2026-11-01 or a time like 2026-11-01T00:00:00Z",
            shorten(raw)
        )
    })?;
    let start = in_range(date.midnight().assume_utc())?;
    if !end {
        return Ok(start);
    }
    start
        .checked_add(Duration::days(1))
        .filter(|next| *next <= END_OF_TIME)
        .ok_or_else(|| out_of_range(start))
}

/// Free text a person typed: at most [`MAX_TEXT`] characters, no control characters (NUL,
/// line breaks, escapes) and no bidirectional overrides that make text read other than it is.
pub fn free_text(raw: &str) -> Result<String, String> {
    if raw.chars().count() > MAX_TEXT {
        return Err(format!("is longer than {MAX_TEXT} characters"));
    }
    if raw.chars().any(char::is_control) {
        return Err("may not contain control characters".into());
    }
    if raw.chars().any(is_bidi_control) {
        return Err("may not contain bidirectional control characters".into());
    }
    Ok(raw.to_owned())
}

/// Free text that may be absent: blank counts as absent.
pub fn optional_free_text(raw: Option<&str>) -> Result<Option<String>, String> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => free_text(raw).map(Some),
    }
}

/// The characters that reorder text on screen (Unicode's explicit directional formatting
/// characters and marks): in a name or a subject they make `gpj.exe` read as `exe.jpg`.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// The first 80 characters of `raw`, for an error message that quotes what it refuses.
fn shorten(raw: &str) -> String {
    match raw.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &raw[..cut]),
        None => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_taken_to_utc() {
        let t = time("2026-12-01T18:00:00+01:00").expect("valid");
        assert_eq!(t, datetime!(2026-12-01 17:00:00 UTC));
        assert_eq!(t.offset(), UtcOffset::UTC);
    }

    #[test]
    fn times_outside_the_range_are_refused_after_conversion_to_utc() {
        for raw in [
            "9999-12-31T23:59:59-23:59",
            "9999-06-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:30:00+01:00",
        ] {
            let error = time(raw).expect_err(raw);
            assert!(error.contains("out of range"), "{raw}: {error}");
        }
        assert!(time("9998-12-31T23:59:59Z").is_ok());
        assert!(time("1970-01-01T00:00:00Z").is_ok());
    }

    #[test]
    fn effective_times_read_rfc3339_a_date_or_a_local_time_in_the_zone() {
        let paris = Zone::named("Europe/Paris").expect("known");
        let utc = Zone::utc();
        assert_eq!(
            effective_at("2026-12-15T09:00:00-05:00", &paris),
            Ok(datetime!(2026-12-15 14:00 UTC)),
            "the ticket's own offset is kept"
        );
        assert_eq!(
            effective_at("2026-12-15", &utc),
            Ok(datetime!(2026-12-15 00:00 UTC))
        );
        assert_eq!(
            effective_at("2026-12-15", &paris),
            Ok(datetime!(2026-12-14 23:00 UTC))
        );
        assert_eq!(
            effective_at("2026-12-15T09:00", &paris),
            Ok(datetime!(2026-12-15 08:00 UTC))
        );
        assert_eq!(
            effective_at(" 2026-12-15 09:00:30 ", &utc),
            Ok(datetime!(2026-12-15 09:00:30 UTC))
        );
    }

    #[test]
    fn other_forms_are_refused_with_the_forms_that_are_read() {
        let paris = Zone::named("Europe/Paris").expect("known");
        for raw in [
            "12/31/2026",
            "31.12.2026",
            "tomorrow",
            "2026-13-01",
            "2026-12-15T25:00",
        ] {
            let error = effective_at(raw, &paris).expect_err(raw);
            assert!(
                error.contains("2026-12-15T09:00 (in Europe/Paris)"),
                "{error}"
            );
        }
        assert!(
            effective_at("12/31/2026", &paris)
                .expect_err("bad")
                .contains("either way round")
        );
        assert!(effective_at("9999-06-01", &paris).is_err());
    }

    #[test]
    fn a_past_time_is_refused_naming_it_and_the_way_to_run_at_once() {
        let now = datetime!(2026-12-01 12:00 UTC);
        let paris = Zone::named("Europe/Paris").expect("known");
        let error = not_past(datetime!(2026-11-30 23:00 UTC), now, &paris).expect_err("past");
        assert_eq!(
            error,
            "is in the past (2026-12-01 00:00:00 +01:00); send run_now: true / --now to run at once"
        );
        assert!(not_past(now - Duration::seconds(30), now, &paris).is_ok());
        assert!(not_past(now + Duration::days(1), now, &paris).is_ok());
    }

    #[test]
    fn a_period_ending_on_the_last_day_is_refused_not_a_panic() {
        assert!(period_bound("9999-12-31", true).is_err());
        assert!(period_bound("9999-12-31", false).is_err());
        assert_eq!(
            period_bound("9998-12-31", true).expect("valid"),
            END_OF_TIME
        );
        assert_eq!(
            period_bound("2026-11-30", true).expect("valid"),
            datetime!(2026-12-01 00:00:00 UTC)
        );
        assert!(period_bound("9999-12-31T23:59:59-23:59", true).is_err());
        assert!(period_bound("tomorrow", true).is_err());
    }

    #[test]
    fn free_text_refuses_controls_bidi_and_length() {
        assert!(free_text("rehired in March").is_ok());
        assert!(free_text("a\0b").is_err());
        assert!(free_text("line\nbreak").is_err());
        assert!(free_text("Bob \u{202E}gpj.exe").is_err());
        assert!(free_text(&"x".repeat(MAX_TEXT)).is_ok());
        assert!(free_text(&"x".repeat(MAX_TEXT + 1)).is_err());
        assert_eq!(optional_free_text(Some("  ")), Ok(None));
    }

    #[test]
    fn an_error_quotes_at_most_80_characters() {
        let long = "y".repeat(10_000);
        assert!(time(&long).expect_err("bad").len() < 200);
    }
}
