//! The `Leaver-Signature` header of a signed webhook, Stripe-style:
//! `t=<unix seconds>,v1=<hex HMAC-SHA256>`, the HMAC taken with the source's secret over
//! `"{t}.{body}"` (the timestamp as sent, a dot, the raw body bytes). Several `v1` values may
//! be sent (one per secret while a sender rotates them); one matching is enough. Other keys
//! (`v0`, future schemes) are ignored. The timestamp must be within [`TOLERANCE_SECS`] of
//! Leaver's clock either way, and the comparison takes the same time wherever digests differ.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// The header's name.
pub const HEADER: &str = "Leaver-Signature";
/// How far the signed timestamp may be from Leaver's clock, either way: five minutes.
pub const TOLERANCE_SECS: i64 = 5 * 60;
/// How many `v1` values are looked at (more are refused: the header is not a brute-force aid).
pub const MAX_SIGNATURES: usize = 5;

/// What a header said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// `t`, in Unix seconds.
    pub timestamp: i64,
    /// `t` as it was sent (what was signed).
    pub timestamp_text: String,
    /// Each `v1`, decoded.
    pub v1: Vec<Vec<u8>>,
}

/// Why a delivery is not taken as signed. Answered as 401; the text is safe to show the sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unsigned {
    Missing,
    Malformed(&'static str),
    Stale { skew_secs: i64 },
    Mismatch,
}

impl fmt::Display for Unsigned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsigned::Missing => write!(f, "no {HEADER} header"),
            Unsigned::Malformed(why) => {
                write!(
                    f,
                    "the {HEADER} header is not t=<unix seconds>,v1=<hex>: {why}"
                )
            }
            Unsigned::Stale { skew_secs } => write!(
                f,
                "the signed timestamp is {}s {} Leaver's clock (at most {TOLERANCE_SECS}s is taken)",
                skew_secs.unsigned_abs(),
                if *skew_secs < 0 { "behind" } else { "ahead of" }
            ),
            Unsigned::Mismatch => f.write_str("the signature does not match the body"),
        }
    }
}

/// Reads a header: `t` once, one to [`MAX_SIGNATURES`] `v1` in hex, other keys ignored.
pub fn parse(header: &str) -> Result<Signature, Unsigned> {
    let mut timestamp = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(Unsigned::Malformed("each part is key=value"))?;
        match key.trim() {
            "t" => {
                if timestamp.is_some() {
                    return Err(Unsigned::Malformed("t is given twice"));
                }
                let text = value.trim();
                if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Unsigned::Malformed("t must be Unix seconds"));
                }
                let secs = text
                    .parse::<i64>()
                    .map_err(|_| Unsigned::Malformed("t must be Unix seconds"))?;
                timestamp = Some((secs, text.to_owned()));
            }
            "v1" => {
                if v1.len() == MAX_SIGNATURES {
                    return Err(Unsigned::Malformed("too many v1 values"));
                }
                let digest = hex::decode(value.trim())
                    .ok()
                    .filter(|d| d.len() == 32)
                    .ok_or(Unsigned::Malformed("v1 must be 64 hex digits"))?;
                v1.push(digest);
            }
            _ => {}
        }
    }
    let (timestamp, timestamp_text) = timestamp.ok_or(Unsigned::Malformed("t is missing"))?;
    if v1.is_empty() {
        return Err(Unsigned::Malformed("v1 is missing"));
    }
    Ok(Signature {
        timestamp,
        timestamp_text,
        v1,
    })
}

/// The hex `v1` for `body` signed at `timestamp` with `secret` (what a sender computes).
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
}

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Checks `header` for `body` with `secret` at `now` (Unix seconds): fresh, and one `v1`
/// matching (compared in constant time).
pub fn verify(header: Option<&str>, secret: &str, body: &[u8], now: i64) -> Result<(), Unsigned> {
    let signature = parse(header.ok_or(Unsigned::Missing)?)?;
    let skew_secs = signature.timestamp.saturating_sub(now);
    if skew_secs.abs() > TOLERANCE_SECS {
        return Err(Unsigned::Stale { skew_secs });
    }
    let expected = mac(secret, &signature.timestamp_text, body);
    // Every value is checked, so the time taken does not say which one matched.
    let matched = signature.v1.iter().fold(false, |any, v1| {
        expected.clone().verify_slice(v1).is_ok() | any
    });
    if matched {
        Ok(())
    } else {
        Err(Unsigned::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &str = "whsec_test";
    const NOW: i64 = 1_800_000_000;

    fn header(t: i64, body: &[u8]) -> String {
        format!("t={t},v1={}", sign(SECRET, &t.to_string(), body))
    }

    #[test]
    fn a_known_vector_matches_openssl() {
        // printf '1800000000.{}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            sign(SECRET, "1800000000", b"{}"),
            "482e6337ac5272392d375c6fdc4d52a7e615dc2facedab0ffe155ddfd6a56e66"
        );
    }

    #[test]
    fn a_fresh_matching_signature_passes() {
        let body = br#"{"id":"evt_1"}"#;
        assert_eq!(verify(Some(&header(NOW, body)), SECRET, body, NOW), Ok(()));
        assert_eq!(
            verify(Some(&header(NOW - 300, body)), SECRET, body, NOW),
            Ok(())
        );
        assert_eq!(
            verify(Some(&header(NOW + 300, body)), SECRET, body, NOW),
            Ok(())
        );
    }

    #[test]
    fn stale_missing_tampered_and_wrong_secret_fail() {
        let body = b"{}";
        assert_eq!(
            verify(Some(&header(NOW - 301, body)), SECRET, body, NOW),
            Err(Unsigned::Stale { skew_secs: -301 })
        );
        assert_eq!(
            verify(Some(&header(NOW + 301, body)), SECRET, body, NOW),
            Err(Unsigned::Stale { skew_secs: 301 })
        );
        assert_eq!(verify(None, SECRET, body, NOW), Err(Unsigned::Missing));
        assert_eq!(
            verify(Some(&header(NOW, body)), SECRET, b"{ }", NOW),
            Err(Unsigned::Mismatch)
        );
        assert_eq!(
            verify(Some(&header(NOW, body)), "other", body, NOW),
            Err(Unsigned::Mismatch)
        );
    }

    #[test]
    fn one_of_several_v1_is_enough_and_other_keys_are_ignored() {
        let body = b"{}";
        let good = sign(SECRET, &NOW.to_string(), body);
        let old = sign("old-secret", &NOW.to_string(), body);
        let both = format!("t={NOW}, v0=abc, v1={old}, v1={good}");
        assert_eq!(verify(Some(&both), SECRET, body, NOW), Ok(()));
    }

    #[test]
    fn malformed_headers_say_why() {
        for (raw, why) in [
            ("", "each part is key=value"),
            ("t=1", "v1 is missing"),
            (&format!("v1={}", "a".repeat(64)), "t is missing"),
            ("t=-5,v1=00", "t must be Unix seconds"),
            ("t=1,t=2,v1=00", "t is given twice"),
            ("t=1,v1=zz", "v1 must be 64 hex digits"),
            ("t=1,v1=abcd", "v1 must be 64 hex digits"),
        ] {
            assert_eq!(parse(raw), Err(Unsigned::Malformed(why)), "{raw:?}");
        }
        let many = format!("t=1{}", format!(",v1={}", "0".repeat(64)).repeat(6));
        assert_eq!(parse(&many), Err(Unsigned::Malformed("too many v1 values")));
    }

    proptest! {
        #[test]
        fn any_header_parses_or_is_refused_without_panicking(raw in "\\PC{0,200}") {
            let _ = parse(&raw);
        }

        #[test]
        fn what_sign_makes_verify_takes_and_any_other_body_fails(
            body in proptest::collection::vec(any::<u8>(), 0..256),
            other in proptest::collection::vec(any::<u8>(), 0..256),
            skew in -TOLERANCE_SECS..=TOLERANCE_SECS,
        ) {
            let h = header(NOW + skew, &body);
            prop_assert_eq!(verify(Some(&h), SECRET, &body, NOW), Ok(()));
            if other != body {
                prop_assert_eq!(verify(Some(&h), SECRET, &other, NOW), Err(Unsigned::Mismatch));
            }
        }
    }
}
