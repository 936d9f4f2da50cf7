//! Text as people read and type it: free text that arrives outside a ticket (a cancel reason, a
//! note on a manual step, a reject reason, the approver's browser string) is checked by the
//! ticket's rules before anything is written (the core checks the same again when the event is
//! applied, so no door can skip it); times read the same on every page and export.

use leaver_core::FieldError;
use leaver_core::input::optional_free_text;
use time::OffsetDateTime;
use time::macros::format_description;

/// `raw`, trimmed, or `None` when blank; the bad field when it breaks the rules.
pub fn checked_text(field: &'static str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_free_text(raw).map_err(|message| FieldError { field, message })
}

/// `2026-12-01 17:00:05 UTC`.
pub fn when(t: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| t.to_string())
}

/// A time stored as Unix milliseconds, as [`when`] prints it.
pub fn when_ms(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(when)
        .unwrap_or_else(|_| ms.to_string())
}
