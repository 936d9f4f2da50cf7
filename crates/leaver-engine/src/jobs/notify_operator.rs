//! `NotifyOperator`: the case needs an operator. For now an audit note says so.

use super::note;
use crate::settle::Settle;
use serde_json::json;

pub(super) fn handle(reason: &str) -> Settle {
    note("operator_notified", json!({ "reason": reason }))
}
