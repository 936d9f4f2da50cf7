//! Free text that arrives outside a ticket (a cancel reason, a note on a manual step, a reject
//! reason, the approver's browser string) is checked by the ticket's rules before anything is
//! written: a bad value is a 422 that names its field. The core checks the same again when the
//! event is applied, so no door can skip it.

use crate::AppError;
use leaver_core::FieldError;
use leaver_core::input::optional_free_text;

/// `raw`, trimmed, or `None` when blank; the bad field when it breaks the rules.
pub fn checked_text(field: &'static str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    optional_free_text(raw).map_err(|message| FieldError { field, message })
}

/// [`checked_text`] for a handler: a bad value is a 422 naming `field`.
pub fn typed_text(field: &'static str, raw: Option<&str>) -> Result<Option<String>, AppError> {
    checked_text(field, raw).map_err(|bad| AppError::Validation(vec![bad]))
}
