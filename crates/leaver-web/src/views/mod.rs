//! What the page templates share: the layout's `chrome` (who is logged in, the CSRF token), a
//! notice line, a pager, and how times and ages read on a page.

mod error;

pub use error::PageError;
pub use leaver_app::text::{when, when_ms};

use crate::auth::CurrentOperator;
use time::OffsetDateTime;

/// What `templates/partials/nav.html` and `partials/csrf.html` read.
#[derive(Clone, Debug)]
pub struct Chrome {
    /// The logged-in operator's email.
    pub operator: String,
    /// The session's CSRF token, for every form.
    pub csrf: String,
}

impl From<&CurrentOperator> for Chrome {
    fn from(operator: &CurrentOperator) -> Chrome {
        Chrome {
            operator: operator.email.clone(),
            csrf: operator.csrf.clone(),
        }
    }
}

/// A one-line notice at the top of a page (`partials/flash.html`).
#[derive(Clone, Debug)]
pub struct Flash {
    pub error: bool,
    pub message: String,
}

impl Flash {
    pub fn info(message: impl Into<String>) -> Flash {
        Flash {
            error: false,
            message: message.into(),
        }
    }
    pub fn error(message: impl Into<String>) -> Flash {
        Flash {
            error: true,
            message: message.into(),
        }
    }
}

/// Newer/older links (`partials/pager.html`).
#[derive(Clone, Debug, Default)]
pub struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
    pub summary: String,
}

/// How long ago `since` was, roughly: `45s`, `12m`, `3h 5m`, `2d 4h`.
pub fn age(since: OffsetDateTime, now: OffsetDateTime) -> String {
    let secs = (now - since).whole_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        s => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn ages_read_in_the_largest_useful_units() {
        let now = datetime!(2026-01-02 12:00 UTC);
        assert_eq!(age(now, now), "0s");
        assert_eq!(age(datetime!(2026-01-02 11:15 UTC), now), "45m");
        assert_eq!(age(datetime!(2026-01-01 09:00 UTC), now), "1d 3h");
        assert_eq!(when(now), "2026-01-02 12:00:00 UTC");
    }
}
