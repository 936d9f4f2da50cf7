//! The open cases of a person (not completed, not cancelled), found by their Hub username
//! compared as the Hub compares usernames. The planner is told which successor is leaving too;
//! opening a case asks the same before it writes anything.

use leaver_core::Case;
use leaver_core::username::same_account;
use leaver_store::{CaseFilter, Store, StoreError};

/// The open cases of `hub_username`, newest first.
pub async fn open_cases_of(store: &dyn Store, hub_username: &str) -> Result<Vec<Case>, StoreError> {
    let cases = store
        .list_cases(&CaseFilter {
            search: Some(hub_username.to_owned()),
            limit: Some(1_000),
            ..CaseFilter::default()
        })
        .await?;
    Ok(cases
        .into_iter()
        .filter(|c| {
            !c.state.is_closed()
                && c.person
                    .hub_username
                    .as_ref()
                    .is_some_and(|u| same_account(u.as_str(), hub_username))
        })
        .collect())
}
