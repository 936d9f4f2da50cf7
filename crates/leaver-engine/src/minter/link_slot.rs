//! A queued approval email keeps a slot where its link's secret goes; the secret is put in only
//! when the email is sent, so the database never holds it.
//!
//! Ticket text (a name, a reason) is data and must never turn into the secret, so a slot cannot
//! be forged from text, by construction rather than by escaping the right fields:
//! - Rendering puts a [`Marker`] where the link goes: 128 fresh random bits, drawn after the
//!   ticket was written, so no ticket text can contain it.
//! - The rendered body is then cut at the markers and stored with every `\` of its text doubled
//!   and each slot written `\s` ([`Marker::encode`]). Reading it back ([`fill`]) turns `\\` into
//!   `\` and `\s` into the secret. Text only ever yields `\\` pairs, so whatever it holds
//!   (`{{approval_token}}`, `\s`, the marker's shape) comes out as it went in.

const ESCAPE: char = '\\';
const SLOT: char = 's';

/// Where a link's secret goes in one rendering, unknowable to the data rendered with it.
pub(crate) struct Marker(String);

impl Marker {
    pub(crate) fn fresh() -> Marker {
        let bits: [u8; 16] = rand::random();
        Marker(format!("link-secret-{}", hex::encode(bits)))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// `rendered` as it is queued: text escaped, a slot where each marker was.
    pub(crate) fn encode(&self, rendered: &str) -> String {
        let mut stored = String::with_capacity(rendered.len());
        for (n, text) in rendered.split(self.0.as_str()).enumerate() {
            if n > 0 {
                stored.push(ESCAPE);
                stored.push(SLOT);
            }
            stored.push_str(&text.replace(ESCAPE, "\\\\"));
        }
        stored
    }
}

/// A queued body with `secret` in every slot.
pub(crate) fn fill(stored: &str, secret: &str) -> String {
    let mut body = String::with_capacity(stored.len() + secret.len());
    let mut chars = stored.chars();
    while let Some(c) = chars.next() {
        if c != ESCAPE {
            body.push(c);
            continue;
        }
        match chars.next() {
            Some(SLOT) => body.push_str(secret),
            // `\\`: nothing else is ever written after a `\`.
            Some(escaped) => body.push(escaped),
            None => {}
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_comes_back_as_it_went_in_and_only_slots_take_the_secret() {
        let marker = Marker::fresh();
        let m = marker.as_str();
        let rendered = format!(
            "Offboarding of {{{{approval_token}}}} \\s \\\\s \\ link-secret-00: https://l/approvals/{m}?d=1 and {m}\\"
        );
        let stored = marker.encode(&rendered);
        assert!(!stored.contains(m), "{stored}");
        assert_eq!(
            fill(&stored, "SECRET"),
            format!(
                "Offboarding of {{{{approval_token}}}} \\s \\\\s \\ link-secret-00: https://l/approvals/SECRET?d=1 and SECRET\\"
            )
        );
    }

    #[test]
    fn markers_differ_each_time() {
        assert_ne!(Marker::fresh().as_str(), Marker::fresh().as_str());
    }
}
