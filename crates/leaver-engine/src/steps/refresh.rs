//! `refresh`: once the case may run (approved, and `effective_at` come or "run now"), read the
//! leaver's whole footprint afresh before the first write. Access that appeared since planning
//! becomes new steps and access that is gone skips its step (which additions run under the
//! approval given is `leaver_core::plan::reconcile`'s rule); every other step waits for it.

use super::{StepContext, footprint};
use crate::outcome::{Outcome, StepError};

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    let fresh = footprint::read(cx).await?;
    let apps = footprint::read_apps(cx).await?;
    if let Some(changed) = footprint::changes(cx, &fresh, &apps)? {
        return Ok(changed);
    }
    Ok(Outcome::Done {
        note: format!(
            "read afresh before the first write: the plan stands ({})",
            footprint::extent(&fresh)
        ),
        evidence: footprint::orgs_read(cx.leaver(), &fresh),
    })
}
