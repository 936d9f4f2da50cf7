//! The time zone people's times are read in and shown in (`LEAVER_TIMEZONE`): `UTC` or an IANA
//! name (`Europe/Paris`). The caller builds it from its name and passes it in as a value; the
//! zone rules are compiled in (jiff's bundled database), so nothing here reads a file, the
//! environment or a clock.

use std::fmt;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// A named time zone with its rules.
#[derive(Clone, Debug)]
pub struct Zone {
    name: String,
    tz: jiff::tz::TimeZone,
}

impl Zone {
    /// Coordinated Universal Time, the default.
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            tz: jiff::tz::TimeZone::UTC,
        }
    }

    /// The zone called `name` (`UTC`, `Europe/Paris`, `America/New_York`), or why not.
    pub fn named(name: &str) -> Result<Zone, String> {
        let name = name.trim();
        if name.is_empty() || name.eq_ignore_ascii_case("utc") {
            return Ok(Zone::utc());
        }
        let tz = jiff::tz::TimeZone::get(name).map_err(|_| {
            format!(
                "{name:?} is not a time zone Leaver knows: use an IANA name like Europe/Paris, \
                 America/New_York or UTC"
            )
        })?;
        Ok(Zone {
            name: tz.iana_name().unwrap_or(name).to_owned(),
            tz,
        })
    }

    /// Its name, as the IANA database spells it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether it is UTC.
    pub fn is_utc(&self) -> bool {
        self.name == "UTC"
    }

    /// The instant a wall-clock time in this zone stands for. A time skipped by a change to
    /// summer time reads as the same span after the change, a time that happens twice as its
    /// first occurrence (as most calendars do).
    pub fn local(&self, local: PrimitiveDateTime) -> Result<OffsetDateTime, String> {
        let civil = jiff::civil::DateTime::new(
            i16::try_from(local.year()).map_err(|_| "the year is out of range".to_owned())?,
            u8::from(local.month()) as i8,
            local.day() as i8,
            local.hour() as i8,
            local.minute() as i8,
            local.second() as i8,
            0,
        )
        .map_err(|e| e.to_string())?;
        let instant = self.tz.to_timestamp(civil).map_err(|e| e.to_string())?;
        OffsetDateTime::from_unix_timestamp_nanos(instant.as_nanosecond())
            .map_err(|e| e.to_string())
    }

    /// `t` for people: `2026-12-01 17:00:05 UTC`, or in another zone with its offset then,
    /// `2026-12-01 18:00:05 +01:00`.
    pub fn format(&self, t: OffsetDateTime) -> String {
        let shown = self.show(t);
        let written = if self.is_utc() {
            shown.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
        } else {
            shown.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] [offset_hour sign:mandatory]:[offset_minute]"
            ))
        };
        written.unwrap_or_else(|_| t.to_string())
    }

    /// `t` as a clock in this zone shows it: the same instant, with the zone's offset then.
    pub fn show(&self, t: OffsetDateTime) -> OffsetDateTime {
        let offset = jiff::Timestamp::new(t.unix_timestamp(), 0)
            .map(|instant| self.tz.to_offset(instant).seconds())
            .unwrap_or(0);
        UtcOffset::from_whole_seconds(offset)
            .ok()
            .and_then(|offset| t.checked_to_offset(offset))
            .unwrap_or(t)
    }
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::utc()
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name
    }
}

impl Eq for Zone {}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_wall_clock_time_in_paris_is_an_instant_an_hour_or_two_before_utc() {
        let paris = Zone::named("Europe/Paris").expect("known");
        assert_eq!(
            paris.local(datetime!(2026-12-15 09:00)).expect("valid"),
            datetime!(2026-12-15 08:00 UTC)
        );
        assert_eq!(
            paris.local(datetime!(2026-07-15 09:00)).expect("valid"),
            datetime!(2026-07-15 07:00 UTC)
        );
        let shown = paris.show(datetime!(2026-07-15 07:00 UTC));
        assert_eq!(shown.offset().whole_hours(), 2);
        assert_eq!(shown.hour(), 9);
        assert_eq!(
            paris.format(datetime!(2026-12-01 17:00:05 UTC)),
            "2026-12-01 18:00:05 +01:00"
        );
        assert_eq!(
            Zone::utc().format(datetime!(2026-12-01 17:00:05 UTC)),
            "2026-12-01 17:00:05 UTC"
        );
    }

    #[test]
    fn unknown_zones_are_refused_and_utc_is_the_default() {
        assert!(Zone::named("Europe/Pariss").is_err());
        assert!(Zone::named("CET+1").is_err());
        assert!(Zone::named("utc").expect("utc").is_utc());
        assert_eq!(Zone::default(), Zone::utc());
    }
}
