//! Reading the Hub's explanation of a failed call out of a response.
//!
//! The message comes from `X-Error-Message` when present, otherwise from one of the JSON body
//! shapes the official clients handle: `{"error": "msg"}`, `{"error": ["a", "b"]}`,
//! `{"error": "code", "error_description": "..."}`, `{"errors": [{"message": "..."}]}` and
//! `{"message": "..."}`. HTML bodies are ignored.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde_json::Value;

use crate::error::HubError;

/// Longest plain-text body we are willing to quote as a message.
const MAX_TEXT_MESSAGE: usize = 500;

/// Build the [`HubError`] for a non-success response.
pub(crate) fn error_from_response(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> HubError {
    let code = header_str(headers, "x-error-code");
    let message =
        header_str(headers, "x-error-message").or_else(|| message_from_body(headers, body));
    HubError::from_response_parts(status, code, message, request_id(headers))
}

/// The id to quote to support: `X-Request-Id`, else `X-Amzn-Trace-Id`, else `X-Amz-Cf-Id`.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "x-amzn-trace-id", "x-amz-cf-id"]
        .into_iter()
        .find_map(|name| header_str(headers, name))
}

/// A header's value as trimmed, non-empty text.
pub(crate) fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

fn message_from_body(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    if let Ok(json) = serde_json::from_slice::<Value>(body) {
        return message_from_json(&json);
    }
    let is_plain_text =
        header_str(headers, CONTENT_TYPE.as_str()).is_some_and(|ct| ct.starts_with("text/plain"));
    let text = std::str::from_utf8(body).ok()?.trim();
    (is_plain_text && !text.is_empty() && text.len() <= MAX_TEXT_MESSAGE).then(|| text.to_owned())
}

/// The human message in one of the Hub's JSON error bodies, if any.
pub(crate) fn message_from_json(json: &Value) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    match json.get("error") {
        Some(Value::String(s)) => parts.push(s.clone()),
        Some(Value::Array(items)) => parts.extend(items.iter().filter_map(as_text)),
        _ => {}
    }
    if let Some(description) = json.get("error_description").and_then(as_text) {
        parts.push(description);
    }
    if let Some(Value::Array(errors)) = json.get("errors") {
        parts.extend(
            errors
                .iter()
                .filter_map(|e| e.get("message").and_then(as_text).or_else(|| as_text(e))),
        );
    }
    if parts.is_empty()
        && let Some(message) = json.get("message").and_then(as_text)
    {
        parts.push(message);
    }
    parts.retain(|p| !p.trim().is_empty());
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn as_text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;
    use serde_json::json;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn every_json_error_shape_yields_its_message() {
        let cases = [
            (json!({"error": "Repo not found"}), "Repo not found"),
            (json!({"error": ["first", "second"]}), "first; second"),
            (
                json!({"error": "invalid_grant", "error_description": "token expired"}),
                "invalid_grant; token expired",
            ),
            (json!({"error_description": "bad client"}), "bad client"),
            (
                json!({"errors": [{"message": "a"}, {"message": "b"}]}),
                "a; b",
            ),
            (json!({"message": "plain"}), "plain"),
            (json!({"error": "wins", "message": "ignored"}), "wins"),
        ];
        for (body, expected) in cases {
            assert_eq!(
                message_from_json(&body).as_deref(),
                Some(expected),
                "{body}"
            );
        }
    }

    #[test]
    fn bodies_without_a_message_yield_none() {
        assert_eq!(message_from_json(&json!({"success": false})), None);
        assert_eq!(message_from_json(&json!({"error": ""})), None);
        assert_eq!(message_from_json(&json!([1, 2])), None);
    }

    #[test]
    fn the_error_message_header_wins_over_the_body() {
        let h = headers(&[
            (
                "x-error-message",
                "Invalid credentials in Authorization header",
            ),
            ("x-error-code", "Unauthorized"),
            ("x-request-id", "req-1"),
        ]);
        let err = error_from_response(StatusCode::UNAUTHORIZED, &h, br#"{"error":"other"}"#);
        assert_eq!(
            err.message(),
            Some("Invalid credentials in Authorization header")
        );
        assert_eq!(err.error_code(), Some("Unauthorized"));
        assert_eq!(err.request_id(), Some("req-1"));
    }

    #[test]
    fn the_request_id_falls_back_to_the_amazon_trace_id() {
        let h = headers(&[("x-amzn-trace-id", "Root=1-67-abc")]);
        assert_eq!(request_id(&h).as_deref(), Some("Root=1-67-abc"));
        assert_eq!(request_id(&HeaderMap::new()), None);
    }

    #[test]
    fn html_bodies_are_ignored_but_plain_text_is_quoted() {
        let html = headers(&[("content-type", "text/html")]);
        let err = error_from_response(StatusCode::BAD_GATEWAY, &html, b"<html>oops</html>");
        assert_eq!(err.message(), None);
        let text = headers(&[("content-type", "text/plain; charset=utf-8")]);
        let err = error_from_response(StatusCode::BAD_GATEWAY, &text, b"upstream died\n");
        assert_eq!(err.message(), Some("upstream died"));
    }
}
