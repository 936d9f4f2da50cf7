//! Link-header pagination: `Link: <https://huggingface.co/api/...&cursor=...>; rel="next"`.
//!
//! The next URL already carries the cursor and is followed as given, but only on the Hub's
//! own origin: the bearer token is never sent anywhere else.

use reqwest::header::{HeaderMap, LINK};
use url::Url;

use crate::error::{HubError, HubErrorKind};

/// The `rel="next"` target of a `Link` header value, if any.
pub(crate) fn parse_next(value: &str) -> Option<&str> {
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>')?;
        let target = &after[..end];
        let tail = &after[end + 1..];
        let params_end = tail.find('<').unwrap_or(tail.len());
        if tail[..params_end].split(';').any(is_rel_next) {
            return Some(target.trim());
        }
        rest = &tail[params_end..];
    }
    None
}

fn is_rel_next(param: &str) -> bool {
    let Some((key, value)) = param.split_once('=') else {
        return false;
    };
    key.trim().eq_ignore_ascii_case("rel")
        && value
            .trim()
            .trim_end_matches(',')
            .trim()
            .trim_matches('"')
            .split_whitespace()
            .any(|rel| rel.eq_ignore_ascii_case("next"))
}

/// The next page's URL from a response's `Link` headers, resolved against the current URL and
/// checked to stay on the Hub's origin.
pub(crate) fn next_page(
    headers: &HeaderMap,
    current: &Url,
    hub: &Url,
) -> Result<Option<Url>, HubError> {
    let Some(target) = headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(parse_next)
    else {
        return Ok(None);
    };
    let next = current.join(target).map_err(|e| {
        HubError::new(
            HubErrorKind::Decode,
            format!("unreadable pagination link: {e}"),
        )
    })?;
    if next.origin() != hub.origin() {
        return Err(HubError::new(
            HubErrorKind::InvalidRequest,
            format!(
                "pagination link leaves the Hub's origin ({})",
                next.origin().ascii_serialization()
            ),
        ));
    }
    Ok(Some(next))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn the_next_link_is_found_among_others() {
        let value = r#"<https://hf.co/api/x?cursor=a>; rel="prev", <https://hf.co/api/x?cursor=b>; rel="next""#;
        assert_eq!(parse_next(value), Some("https://hf.co/api/x?cursor=b"));
        assert_eq!(
            parse_next(r#"<https://hf.co/a?c=1,2>; rel=next"#),
            Some("https://hf.co/a?c=1,2")
        );
        assert_eq!(
            parse_next(r#"<https://hf.co/a>; title="x"; rel="last next""#),
            Some("https://hf.co/a")
        );
    }

    #[test]
    fn a_link_header_without_next_means_the_last_page() {
        assert_eq!(
            parse_next(r#"<https://hf.co/api/x?cursor=a>; rel="prev""#),
            None
        );
        assert_eq!(parse_next(""), None);
        assert_eq!(parse_next("garbage"), None);
    }

    fn headers(link: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(LINK, HeaderValue::from_static(link));
        h
    }

    #[test]
    fn relative_links_resolve_against_the_current_page() {
        let hub = Url::parse("http://127.0.0.1:8080/").expect("url");
        let current = hub.join("/api/models?author=acme").expect("url");
        let next = next_page(
            &headers(r#"</api/models?author=acme&cursor=2>; rel="next""#),
            &current,
            &hub,
        )
        .expect("ok")
        .expect("some");
        assert_eq!(
            next.as_str(),
            "http://127.0.0.1:8080/api/models?author=acme&cursor=2"
        );
        assert!(
            next_page(&HeaderMap::new(), &current, &hub)
                .expect("ok")
                .is_none()
        );
    }

    #[test]
    fn links_to_another_origin_are_refused() {
        let hub = Url::parse("https://huggingface.co").expect("url");
        let current = hub.join("/api/models").expect("url");
        let err = next_page(
            &headers(r#"<https://evil.example/steal>; rel="next""#),
            &current,
            &hub,
        )
        .expect_err("foreign origin");
        assert_eq!(err.kind(), HubErrorKind::InvalidRequest);
    }
}
