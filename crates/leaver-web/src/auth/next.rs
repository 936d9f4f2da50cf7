//! Where a login leads: `next` is a plain path on this site, or else the dashboard. This one rule
//! serves every place `next` is read (the login page's query, the login form) or written (the
//! redirect to `/login`).
//!
//! Browsers forgive a lot in a `Location`: they drop tabs and newlines (`/\t/evil.test` becomes
//! `//evil.test`), read `\` as `/`, and a proxy may percent-decode once more. So `next` is kept
//! only when it is printable ASCII without `\`, starts with one `/` not followed by `/` or `\`,
//! and its percent-decoded form passes the same test (controls, `\` and a leading `//` refused).

/// `raw` when it is a plain path on this site, else `/`.
pub(crate) fn after_login(raw: Option<&str>) -> &str {
    raw.filter(|raw| is_local_path(raw)).unwrap_or("/")
}

fn is_local_path(raw: &str) -> bool {
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(raw).collect();
    raw.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && starts_as_local_path(raw.as_bytes())
        && starts_as_local_path(&decoded)
        && !decoded.iter().any(|b| b.is_ascii_control() || *b == b'\\')
}

/// One `/`, then anything but a second `/` or a `\` (which would name another host).
fn starts_as_local_path(path: &[u8]) -> bool {
    matches!(path, [b'/', rest @ ..] if !matches!(rest.first(), Some(b'/' | b'\\')))
}

#[cfg(test)]
mod tests {
    use super::after_login;

    #[test]
    fn plain_paths_on_this_site_are_kept() {
        for path in [
            "/",
            "/cases",
            "/cases?state=running&search=bob",
            "/cases/0193c1e2-7a4b-7c3d-9e8f-0123456789ab",
            "/cases?search=%C3%A9lodie",
            "/audit/export?from=2026-01-01",
        ] {
            assert_eq!(after_login(Some(path)), path);
        }
    }

    #[test]
    fn anything_else_leads_to_the_dashboard() {
        for hostile in [
            "",
            "cases",
            "//evil.test/x",
            "/\\evil.test/x",
            "\\\\evil.test/x",
            "/\t/evil.test/x",
            "/\n/x",
            "/\r\n/x",
            "/x\r\nSet-Cookie: a=b",
            "/ /evil.test",
            "/%09/evil.test/x",
            "/%0A/x",
            "/%0D%0ALocation:%20//evil.test",
            "/%2F/evil.test",
            "/%2f%2fevil.test",
            "%2F%2Fevil.test",
            "/%5Cevil.test",
            "/%5c/evil.test",
            "/x%00",
            "/x\u{7f}",
            "/caf\u{e9}",
            "https://evil.test/",
            "http:/evil.test",
            "//evil.test@leaver/",
            "javascript:alert(1)",
            " /cases",
            "\t/cases",
        ] {
            assert_eq!(after_login(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(after_login(None), "/");
    }
}
