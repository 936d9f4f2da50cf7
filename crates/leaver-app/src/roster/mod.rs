//! The roster use cases (issue 16): who should be in the managed orgs, against who is.
//! Not to be confused with [`crate::accounts::roster`], which lists Leaver's own operators and
//! API keys.
//!
//! - [`import`]: a roster CSV (`email,hub_username,status,end_date,manager_email`) read with the
//!   case import's machinery (caps, separator, field-named errors by line), then made the roster
//!   whole (it replaces the previous import, audited) — or, with any error, nothing changes;
//! - [`refresh`]: the orgs read in the background (one shared pass of the engine's org index)
//!   and stored, when asked or when the last read is old, so no page request reads the Hub;
//! - [`report`]: the reconciliation against that stored read, each row with since when it has been seen, dismissed rows apart, seat cost per org, as JSON
//!   and CSV;
//! - [`act`]: dismiss a row with a reason (audited), and open cases for selected rows through
//!   the CSV import's path (a preview first, then [`Leaver::import`]);
//! - [`charts`]: the numbers behind the dashboard's pictures (time to revoke per week against
//!   `LEAVER_REVOKE_TARGET_HOURS`, cases by state per week, orphans and their cost per org).

pub mod act;
pub mod charts;
pub mod import;
pub mod refresh;
pub mod report;
mod scim;

pub use act::{BulkOpen, RowKey};
pub use charts::ChartData;
pub use import::RosterPreview;
pub use leaver_store::roster::{Dismissal, RosterImport};
pub use report::{RosterReport, RosterRow, RosterView};

#[expect(unused_imports, reason = "for the rustdoc links above")]
use crate::Leaver;
