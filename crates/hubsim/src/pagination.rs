//! Link-header pagination, GitHub style: `Link: <full-url-with-cursor>; rel="next"`.
//!
//! Each listed item carries a sort key; the cursor is the hex of the last key returned and
//! the next page starts strictly after it. Keyed cursors (rather than offsets) mean that
//! removing a member while someone pages through the list never skips anyone.

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::errors::{ApiError, ApiResult};
use crate::extract::Params;

/// How an endpoint treats `limit`.
#[derive(Debug, Clone, Copy)]
pub struct LimitRule {
    /// Page size when `limit` is absent.
    pub default: usize,
    /// Smallest accepted value.
    pub min: usize,
    /// Largest accepted value.
    pub max: usize,
    /// Out of range: 400 when true, clamp when false.
    pub strict: bool,
}

/// `GET /api/organizations/{org}/members`: default 500, 10..=10000, else 400.
pub const MEMBERS: LimitRule = LimitRule {
    default: 500,
    min: 10,
    max: 10_000,
    strict: true,
};

/// Repo and request lists: the Hub does not document bounds, so clamp to 1..=1000.
pub const LISTS: LimitRule = LimitRule {
    default: 1000,
    min: 1,
    max: 1000,
    strict: false,
};

/// Reads `limit` under `rule`.
pub fn limit(params: &Params, rule: LimitRule) -> ApiResult<usize> {
    let Some(asked) = params.number("limit")? else {
        return Ok(rule.default);
    };
    let in_range = asked >= rule.min as i64 && asked <= rule.max as i64;
    if in_range {
        return Ok(asked as usize);
    }
    if rule.strict {
        return Err(ApiError::bad_request(format!(
            "Invalid limit: must be between {} and {}",
            rule.min, rule.max
        )));
    }
    Ok(asked.clamp(rule.min as i64, rule.max as i64) as usize)
}

/// One page of items and the cursor of the next, if any.
#[derive(Debug)]
pub struct Page<T> {
    /// Items on this page.
    pub items: Vec<T>,
    /// Cursor for the next page.
    pub next: Option<String>,
}

/// Sorts `(key, item)` pairs by key and cuts the page the request's `cursor`/`limit` ask for.
pub fn paginate<T>(
    mut keyed: Vec<(String, T)>,
    params: &Params,
    rule: LimitRule,
) -> ApiResult<Page<T>> {
    let limit = limit(params, rule)?;
    let after = match params.get("cursor") {
        None | Some("") => None,
        Some(cursor) => Some(decode_cursor(cursor)?),
    };
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut rest = keyed
        .into_iter()
        .filter(|(key, _)| after.as_ref().is_none_or(|a| key > a))
        .peekable();
    let mut items = Vec::with_capacity(limit.min(1024));
    let mut last_key = None;
    while items.len() < limit {
        let Some((key, item)) = rest.next() else {
            break;
        };
        items.push(item);
        last_key = Some(key);
    }
    let next = match (rest.peek(), last_key) {
        (Some(_), Some(key)) => Some(hex::encode(key)),
        _ => None,
    };
    Ok(Page { items, next })
}

fn decode_cursor(cursor: &str) -> ApiResult<String> {
    hex::decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| ApiError::bad_request("Invalid cursor"))
}

/// Renders a page as a JSON array, with the `Link` header when another page follows.
pub fn respond<T: Serialize>(page: Page<T>, params: &Params) -> Response {
    let mut response = Json(page.items).into_response();
    if let Some(cursor) = page.next {
        let link = format!("<{}>; rel=\"next\"", params.url_with_cursor(&cursor));
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
}

/// Paginates and renders in one go.
pub fn list<T: Serialize>(keyed: Vec<(String, T)>, params: &Params, rule: LimitRule) -> ApiResult {
    Ok(respond(paginate(keyed, params, rule)?, params))
}
