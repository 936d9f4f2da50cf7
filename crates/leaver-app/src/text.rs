//! Text as people read and type it: free text that arrives outside a ticket (a cancel reason, a
//! note on a manual step, a reject reason, the approver's browser string) is checked by the
//! ticket's rules before anything is written (the core checks the same again when the event is
//! applied, so no door can skip it); times read the same on every page and export.

use leaver_core::FieldError;
use leaver_core::input::{Zone, optional_free_text};
use std::sync::RwLock;
use time::OffsetDateTime;

/// `raw`, trimmed, or `None` when blank; the bad field when it breaks the rules.
pub fn checked_text(field: &'static str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_free_text(raw).map_err(|message| FieldError { field, message })
}

/// The zone pages and exports show times in: one per process, set from `LEAVER_TIMEZONE` by the
/// `leaver` binary once it has its settings (tests, which run many Leavers in one process, keep
/// the default, UTC).
static SHOWN_IN: RwLock<Option<Zone>> = RwLock::new(None);

/// Shows times in `zone` from now on ([`when`]).
pub fn show_times_in(zone: Zone) {
    if let Ok(mut shown) = SHOWN_IN.write() {
        *shown = (!zone.is_utc()).then_some(zone);
    }
}

/// `2026-12-01 17:00:05 UTC`, or in the zone of `LEAVER_TIMEZONE` with its offset,
/// `2026-12-01 18:00:05 +01:00`.
pub fn when(t: OffsetDateTime) -> String {
    match SHOWN_IN.read().ok().as_deref() {
        Some(Some(zone)) => zone.format(t),
        _ => Zone::utc().format(t),
    }
}

/// A time stored as Unix milliseconds, as [`when`] prints it.
pub fn when_ms(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(when)
        .unwrap_or_else(|_| ms.to_string())
}
