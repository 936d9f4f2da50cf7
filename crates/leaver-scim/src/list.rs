//! Paging (RFC 7644 §3.4.2.4: `startIndex` 1-based, `count`) and the ListResponse.

use crate::error::ScimError;
use serde_json::{Value, json};

/// The most resources one page answers (ServiceProviderConfig's `filter.maxResults`).
pub const MAX_COUNT: usize = 200;

/// A page asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// 1-based.
    pub start_index: usize,
    pub count: usize,
}

impl Paging {
    /// From the query's `startIndex` and `count`: below 1 reads as 1, a negative count as 0
    /// (RFC 7644 §3.4.2.4), more than [`MAX_COUNT`] as the maximum; text that is no integer is a
    /// 400 naming the parameter.
    pub fn parse(start_index: Option<&str>, count: Option<&str>) -> Result<Paging, ScimError> {
        let int = |name: &str, raw: Option<&str>| -> Result<Option<i64>, ScimError> {
            raw.map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| {
                    r.parse::<i64>().map_err(|_| {
                        ScimError::invalid_value(name, format!("must be an integer, got {r:?}"))
                    })
                })
                .transpose()
        };
        let start = int("startIndex", start_index)?.unwrap_or(1).max(1);
        let count = int("count", count)?
            .unwrap_or(100)
            .clamp(0, MAX_COUNT as i64);
        Ok(Paging {
            start_index: usize::try_from(start).unwrap_or(1),
            count: usize::try_from(count).unwrap_or(0),
        })
    }

    /// The part of `all` this page holds.
    pub fn slice<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        let from = (self.start_index - 1).min(all.len());
        let to = from.saturating_add(self.count).min(all.len());
        &all[from..to]
    }
}

/// A list answer.
#[derive(Clone, Debug, PartialEq)]
pub struct ListResponse {
    pub total_results: usize,
    pub start_index: usize,
    pub resources: Vec<Value>,
}

impl ListResponse {
    /// The body.
    pub fn to_json(&self) -> Value {
        json!({
            "schemas": [crate::schemas::LIST_RESPONSE],
            "totalResults": self.total_results,
            "startIndex": self.start_index,
            "itemsPerPage": self.resources.len(),
            "Resources": self.resources,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paging_reads_the_rfc_defaults_and_refuses_words() {
        assert_eq!(
            Paging::parse(None, None).expect("ok"),
            Paging {
                start_index: 1,
                count: 100
            }
        );
        assert_eq!(
            Paging::parse(Some("0"), Some("-3")).expect("ok"),
            Paging {
                start_index: 1,
                count: 0
            }
        );
        let err = Paging::parse(Some("x"), None).expect_err("bad");
        assert!(err.detail.starts_with("startIndex"));
    }

    proptest! {
        // 500 cases: a page never reaches outside the list nor holds more than it asked for.
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn a_page_stays_inside_the_list(len in 0usize..50, start in -5i64..60, count in -5i64..300) {
            let all: Vec<usize> = (0..len).collect();
            let paging = Paging::parse(Some(&start.to_string()), Some(&count.to_string())).expect("ints");
            let page = paging.slice(&all);
            prop_assert!(page.len() <= paging.count);
            prop_assert!(page.len() <= MAX_COUNT);
            if let Some(first) = page.first() {
                prop_assert_eq!(*first, paging.start_index - 1);
            }
        }
    }
}
