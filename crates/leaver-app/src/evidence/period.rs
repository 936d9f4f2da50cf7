//! The period of an export from the `from` and `to` a person typed (the `/audit/export` query,
//! `leaver audit export --from/--to`): each a date (`to` included) or an RFC 3339 time, in the
//! range every time in Leaver keeps to ([`leaver_core::input::period_bound`]), `from` before
//! `to`. A bad bound is a [`FieldError`] naming it, never a panic.

use super::Scope;
use leaver_core::FieldError;
use leaver_core::input::{EARLIEST, period_bound};
use time::{Duration, OffsetDateTime};

/// The period `from <= at < to`. A blank or absent `to` is `now`; a blank or absent `from` is
/// `default_length` before `to` (or the earliest time Leaver keeps, without one).
pub fn period(
    from: Option<&str>,
    to: Option<&str>,
    now: OffsetDateTime,
    default_length: Option<Duration>,
) -> Result<Scope, FieldError> {
    let to = bound("to", to, true)?.unwrap_or(now);
    let from = match bound("from", from, false)? {
        Some(from) => from,
        None => default_length
            .and_then(|length| to.checked_sub(length))
            .filter(|from| *from >= EARLIEST)
            .unwrap_or(EARLIEST),
    };
    if from >= to {
        return Err(FieldError {
            field: "from",
            message: "must be before `to`: the period is empty".into(),
        });
    }
    Ok(Scope::Period { from, to })
}

fn bound(
    field: &'static str,
    raw: Option<&str>,
    end: bool,
) -> Result<Option<OffsetDateTime>, FieldError> {
    raw.map(str::trim)
        .filter(|raw| !raw.is_empty())
        .map(|raw| period_bound(raw, end).map_err(|message| FieldError { field, message }))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-28 12:00:00 UTC);

    fn field(from: Option<&str>, to: Option<&str>) -> &'static str {
        period(from, to, NOW, None).expect_err("refused").field
    }

    #[test]
    fn dates_include_their_whole_day_and_defaults_fill_in() {
        assert_eq!(
            period(Some("2026-11-01"), Some("2026-11-30"), NOW, None),
            Ok(Scope::Period {
                from: datetime!(2026-11-01 00:00:00 UTC),
                to: datetime!(2026-12-01 00:00:00 UTC),
            })
        );
        assert_eq!(
            period(None, Some(" "), NOW, Some(Duration::days(30))),
            Ok(Scope::Period {
                from: datetime!(2026-10-29 12:00:00 UTC),
                to: NOW,
            })
        );
        assert_eq!(
            period(None, None, NOW, None),
            Ok(Scope::Period {
                from: EARLIEST,
                to: NOW
            })
        );
    }

    #[test]
    fn a_bad_or_reversed_bound_names_its_field() {
        assert_eq!(field(None, Some("9999-12-31")), "to");
        assert_eq!(field(Some("9999-12-31"), None), "from");
        assert_eq!(field(None, Some("9999-12-31T23:59:59-23:59")), "to");
        assert_eq!(field(Some("last-week"), None), "from");
        assert_eq!(field(Some("2026-12-01"), Some("2026-11-01")), "from");
        assert_eq!(field(Some("2026-12-01"), None), "from");
    }
}
