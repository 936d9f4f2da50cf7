//! A subject is one plain line, whatever the names and reasons in it held: no control character
//! (a line break would start a header of its own) and no bidirectional formatting character (an
//! override makes `Bob (bob)` read as something else in the inbox). Leaver's ticket checks
//! refuse both already; this is the last line of defence, for every subject from any source.

/// `raw` as one line: controls and bidi formatting characters dropped (a line break or tab
/// becomes a space first), runs of whitespace made one space, ends trimmed.
pub(crate) fn one_clean_line(raw: &str) -> String {
    raw.split_whitespace()
        .map(|word| word.chars().filter(|c| !unwanted(*c)).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Control characters, and the characters that change the direction text is shown in (marks,
/// embeddings, overrides, isolates).
fn unwanted(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::one_clean_line;
    use crate::{FreshLink, RenderEmail};

    #[test]
    fn controls_and_bidi_characters_never_reach_a_subject() {
        let cases = [
            (
                "Approve offboarding: Bob \u{202E}nimda\u{202C} (bob)",
                "Approve offboarding: Bob nimda (bob)",
            ),
            ("a\u{2066}b\u{2069} \u{200F}c\u{061C}", "ab c"),
            ("line\r\nBcc: eve@evil.test", "line Bcc: eve@evil.test"),
            (
                "nul\u{0}bell\u{7} esc\u{1b}[31m del\u{7f}",
                "nulbell esc[31m del",
            ),
            ("  spaced\tout \u{85} ", "spaced out"),
            ("\u{202E}", ""),
            ("Zoë Ça 張 👩‍💻", "Zoë Ça 張 👩‍💻"),
        ];
        for (raw, clean) in cases {
            assert_eq!(one_clean_line(raw), clean, "{raw:?}");
        }
    }

    #[test]
    fn a_rendered_subject_shows_the_name_without_its_overrides() {
        let email = FreshLink {
            to: "erin@acme.test".into(),
            approver_name: None,
            leaver_name: Some("Bob \u{202E}gnp.exe\u{202C}\u{0}".into()),
            leaver_email: "bob@acme.test".into(),
            hub_username: "bob".into(),
            approve_url: "https://leaver.test/approvals/x?decision=approve".into(),
            view_url: "https://leaver.test/approvals/x".into(),
            expires_at: "Tue, 1 Dec 2026 17:00:00 +0000".into(),
        }
        .render()
        .expect("rendered");
        assert!(
            email.subject.contains("Bob gnp.exe (bob)"),
            "{}",
            email.subject
        );
        assert!(
            !email
                .subject
                .chars()
                .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
            "{:?}",
            email.subject
        );
    }
}
