//! Which failed calls the client may send again by itself.
//!
//! A read can always be sent again. A write whose answer was lost (a 500, 502 or 504 from a
//! proxy, our own timeout, a connection that broke after the request went out) may have taken
//! effect on the Hub: sending it again could do it twice (a second role change, a second
//! revocation). Such a write is not sent again here; its error goes back to the caller, who
//! reads the Hub and decides (Leaver's steps read back after a failed write, and read first
//! on their next attempt). A refusal that shows the Hub did not act (429, 503, 408, a
//! connection never made) is retried as before.

use reqwest::Method;

use crate::error::{HubError, HubErrorKind};

/// Whether the client may send `method` again after `err`.
pub(crate) fn may_resend(method: &Method, err: &HubError) -> bool {
    matches!(*method, Method::GET | Method::HEAD) || !err.may_have_taken_effect()
}

impl HubError {
    /// Whether the failed call may still have taken effect on the Hub: its answer was lost
    /// (500, 502, 504, our own timeout, or a connection that broke once it was made).
    pub fn may_have_taken_effect(&self) -> bool {
        match self.kind() {
            HubErrorKind::Server => self
                .status()
                .is_none_or(|s| matches!(s.as_u16(), 500 | 502 | 504)),
            HubErrorKind::Timeout => self.status().is_none(),
            HubErrorKind::Network => !never_connected(self),
            _ => false,
        }
    }
}

/// Whether the connection was never made (the request cannot have reached the Hub).
fn never_connected(err: &HubError) -> bool {
    std::error::Error::source(err)
        .and_then(|source| source.downcast_ref::<reqwest::Error>())
        .is_some_and(reqwest::Error::is_connect)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    fn status(code: u16) -> HubError {
        let status = StatusCode::from_u16(code).expect("status");
        HubError::from_response_parts(status, None, None, None)
    }

    #[test]
    fn a_write_whose_answer_was_lost_is_not_sent_again_a_read_is() {
        for code in [500, 502, 504] {
            assert!(!may_resend(&Method::PUT, &status(code)), "{code}");
            assert!(!may_resend(&Method::DELETE, &status(code)), "{code}");
            assert!(may_resend(&Method::GET, &status(code)), "{code}");
        }
        let dropped = HubError::new(HubErrorKind::Network, "connection closed");
        assert!(!may_resend(&Method::POST, &dropped));
        let timed_out = HubError::new(HubErrorKind::Timeout, "timed out");
        assert!(!may_resend(&Method::PATCH, &timed_out));
    }

    #[test]
    fn a_refusal_that_shows_the_hub_did_not_act_is_sent_again() {
        for code in [408, 429, 503] {
            assert!(may_resend(&Method::PUT, &status(code)), "{code}");
        }
    }
}
