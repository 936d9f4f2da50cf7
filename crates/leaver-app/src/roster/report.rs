//! The reconciliation as the doors show it: the roster (the latest import), the orgs as the
//! background refresh last read them (one shared read of every managed org, stored), the open
//! cases and the configured service accounts, reconciled in the core; each row with since when
//! it has been seen, dismissed rows apart, and each org's seat cost from the rows still shown.

use crate::{Leaver, Result};
use leaver_core::plan::OrgFacts;
use leaver_core::roster::{Finding, FindingKind, OrgCost, RosterEntry, reconcile};
use leaver_store::roster::{Dismissal, FindingKey, RosterImport, RosterStore};
use serde::Serialize;
use std::collections::HashMap;
use time::OffsetDateTime;

/// One row, with since when it has been seen and, when dismissed, why.
#[derive(Clone, Debug, Serialize)]
pub struct RosterRow {
    #[serde(flatten)]
    pub finding: Finding,
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    pub dismissed: Option<Dismissal>,
}

impl RosterRow {
    /// The row's name in forms and selections: `org|kind|subject`.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.finding.org,
            self.finding.kind.as_str(),
            self.finding.subject
        )
    }
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct RosterReport {
    /// The import that is the roster (none yet: every member is an orphan).
    pub import: Option<RosterImport>,
    /// Entries from the CSV import and from SCIM users.
    pub roster_entries: usize,
    pub scim_entries: usize,
    /// When the orgs were read.
    #[serde(with = "time::serde::rfc3339")]
    pub read_at: OffsetDateTime,
    /// Rows still to look at.
    pub rows: Vec<RosterRow>,
    /// Rows an operator dismissed.
    pub dismissed: Vec<RosterRow>,
    /// Seat cost per org, from `rows` (dismissed rows cost nothing here).
    pub costs: Vec<OrgCost>,
    pub monthly_cost: f64,
}

impl RosterReport {
    /// The rows of one kind.
    pub fn of_kind(&self, kind: FindingKind) -> impl Iterator<Item = &RosterRow> {
        self.rows.iter().filter(move |r| r.finding.kind == kind)
    }

    /// The report as CSV: one line per row (dismissed ones too, with their reason).
    pub fn to_csv(&self) -> String {
        let mut out = csv::Writer::from_writer(Vec::new());
        let header = [
            "org",
            "kind",
            "subject",
            "hub_username",
            "email",
            "manager_email",
            "end_date",
            "detail",
            "monthly_cost",
            "first_seen",
            "dismissed_reason",
        ];
        let _ = out.write_record(header);
        for row in self.rows.iter().chain(&self.dismissed) {
            let f = &row.finding;
            let first_seen = row
                .first_seen
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            let _ = out.write_record([
                f.org.as_str(),
                f.kind.as_str(),
                &f.subject,
                f.hub_username.as_deref().unwrap_or(""),
                f.email.as_deref().unwrap_or(""),
                f.manager_email.as_deref().unwrap_or(""),
                &f.end_date.map(|d| d.to_string()).unwrap_or_default(),
                &f.detail,
                &format!("{:.2}", f.monthly_cost),
                &first_seen,
                row.dismissed.as_ref().map_or("", |d| d.reason.as_str()),
            ]);
        }
        String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// The roster page's picture.
#[derive(Clone, Debug, Serialize)]
pub struct RosterView {
    /// The reconciliation against the last read (`None`: the orgs were never read).
    pub report: Option<RosterReport>,
    /// A refresh asked for at this time is waiting or under way.
    pub refreshing_since: Option<OffsetDateTime>,
    /// The last read that failed since the report's, and why.
    pub failure: Option<(OffsetDateTime, String)>,
}

impl Leaver {
    /// The roster: the latest import's entries, then the SCIM users (see
    /// [`Leaver::scim_roster`]).
    pub(crate) async fn roster_entries(
        &self,
    ) -> Result<(Option<RosterImport>, Vec<RosterEntry>, usize)> {
        let (import, mut entries) = self.store.roster().await?;
        let scim = self.scim_roster().await?;
        let scim_count = scim.len();
        entries.extend(scim);
        Ok((import, entries, scim_count))
    }

    /// The reconciliation against the orgs as the background refresh last read them (see
    /// [`crate::roster::refresh`]); it never reads the Hub. Each row is noted as seen at that
    /// read. `Unavailable` while the orgs have never been read.
    pub async fn roster_report(&self) -> Result<RosterReport> {
        self.roster_view().await?.report.ok_or_else(|| {
            crate::Error::Unavailable(
                "the orgs have not been read yet; the roster's refresh reads them in the background"
                    .into(),
            )
        })
    }

    /// What the roster page shows: the report from the last read (none before the first),
    /// and whether a refresh is waiting or the last one failed. Never reads the Hub.
    pub async fn roster_view(&self) -> Result<RosterView> {
        let state = self.store.roster_read().await?;
        let report = match &state.last {
            Some(read) => Some(self.report_from(&read.orgs, read.read_at, true).await?),
            None => None,
        };
        Ok(RosterView {
            report,
            refreshing_since: state.requested_at,
            failure: state.failure,
        })
    }

    /// The report from the orgs as last read, without noting what was seen (for the
    /// dashboard); `None` before the first read.
    pub async fn roster_report_as_last_read(&self) -> Result<Option<RosterReport>> {
        match self.store.roster_read().await?.last {
            Some(read) => Ok(Some(
                self.report_from(&read.orgs, read.read_at, false).await?,
            )),
            None => Ok(None),
        }
    }

    /// The report from `orgs` as read at `read_at`; `note_seen` records each row as seen then.
    async fn report_from(
        &self,
        orgs: &[OrgFacts],
        read_at: OffsetDateTime,
        note_seen: bool,
    ) -> Result<RosterReport> {
        let (import, entries, scim_entries) = self.roster_entries().await?;
        let open = self.store.open_case_usernames().await?;
        let prices = self.settings.seat_prices();
        let all = reconcile(
            &entries,
            orgs,
            &open,
            &self.settings.service_accounts,
            &prices,
        );
        let keys: Vec<FindingKey> = all
            .findings
            .iter()
            .map(|f| (f.org.clone(), f.kind, f.subject.clone()))
            .collect();
        let seen = if note_seen {
            self.store.mark_seen(&keys, read_at).await?
        } else {
            HashMap::new()
        };
        let mut dismissals: HashMap<FindingKey, Dismissal> = self
            .store
            .dismissals()
            .await?
            .into_iter()
            .map(|d| ((d.org.clone(), d.kind, d.subject.clone()), d))
            .collect();
        let (mut rows, mut dismissed) = (Vec::new(), Vec::new());
        for (finding, key) in all.findings.into_iter().zip(keys) {
            let first_seen = seen.get(&key).copied().unwrap_or(read_at);
            let dismissal = dismissals.remove(&key);
            let row = RosterRow {
                finding,
                first_seen,
                dismissed: dismissal,
            };
            if row.dismissed.is_some() {
                dismissed.push(row)
            } else {
                rows.push(row)
            }
        }
        let shown: Vec<Finding> = rows.iter().map(|r| r.finding.clone()).collect();
        let costs: Vec<OrgCost> = orgs
            .iter()
            .map(|org| OrgCost::of(org, prices.per_seat(org.plan), &shown))
            .collect();
        Ok(RosterReport {
            import,
            roster_entries: entries.len() - scim_entries,
            scim_entries,
            read_at,
            monthly_cost: costs.iter().map(|c| c.monthly_cost).sum(),
            rows,
            dismissed,
            costs,
        })
    }
}
