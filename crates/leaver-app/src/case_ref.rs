//! A case named as people name it: by its id (a UUID) or by its HR ticket's id (`HR-2001`), so
//! that an operator holding the ticket need not look the case up first. Every door that takes
//! a case id from a person resolves it here.

use crate::{Error, Leaver, Result};
use leaver_core::{Case, CaseId};
use leaver_store::{CaseFilter, Store};

impl Leaver {
    /// The id of the case `raw` names: a case id, or the id of the HR ticket it was opened
    /// for (exactly, as the ticket spelt it).
    pub async fn find_case_id(&self, raw: &str) -> Result<CaseId> {
        let raw = raw.trim();
        if let Ok(id) = raw.parse::<CaseId>() {
            return Ok(id);
        }
        match self.case_for_ticket(raw).await? {
            Some(case) => Ok(case.id),
            None => Err(Error::NotFound(format!(
                "{raw:?} is not a case id (a UUID) nor the HR ticket id of a case"
            ))),
        }
    }

    /// The case opened for HR ticket `external_id` (exactly that id), if any.
    pub async fn case_for_ticket(&self, external_id: &str) -> Result<Option<Case>> {
        let filter = CaseFilter {
            search: Some(external_id.to_owned()),
            ..CaseFilter::default()
        };
        let cases = self.store.list_cases(&filter).await?;
        Ok(cases
            .into_iter()
            .find(|c| c.external_id.to_string() == external_id))
    }
}
