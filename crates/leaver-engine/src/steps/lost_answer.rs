//! A write whose answer was lost (a 502 from a proxy, a dropped connection, our own timeout)
//! may still have taken effect on the Hub, and the Hub client does not send such a write
//! again (see `leaver_hub::HubError::may_have_taken_effect`). Each write step then reads the
//! Hub back as it would after a success: if the read-back shows the step done, it is done,
//! once; if not, the step fails with the write's error and its next attempt starts, as every
//! attempt does, by reading what is still needed.

use crate::outcome::StepError;
use leaver_hub::HubError;

/// The result of a write: `Ok(None)` when it succeeded, `Ok(Some(error))` when it failed but
/// may have taken effect (the read-back decides), and the error when it surely did not.
pub(crate) fn answer_lost<T>(result: Result<T, HubError>) -> Result<Option<HubError>, StepError> {
    match result {
        Ok(_) => Ok(None),
        Err(error) if error.may_have_taken_effect() => {
            tracing::warn!(%error, "a write's answer was lost; reading the Hub back");
            Ok(Some(error))
        }
        Err(error) => Err(error.into()),
    }
}

/// Why a step is not done after its read-back: the lost answer's error when there was one
/// (the write may not have gone through), else `otherwise`.
pub(crate) fn not_done(lost: Option<HubError>, otherwise: StepError) -> StepError {
    lost.map_or(otherwise, StepError::Hub)
}
