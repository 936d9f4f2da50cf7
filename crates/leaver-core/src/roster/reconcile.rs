//! The roster against the Hub, per managed org: who is there and should not be, whose
//! offboarding was missed, what waits as an invitation, who holds gated access from outside,
//! and which org hangs on a single human admin. Leaver's own token user and the configured
//! service accounts are shown apart and never counted as people.
//!
//! Rules (usernames compared as the Hub compares them, without case):
//! - `orphan`: a member with no roster entry at all (a seat paid for nobody on the roster);
//! - `missed_offboarding`: a roster entry `terminated` whose person still holds something in the
//!   org (membership, an invitation, accepted or pending gated access) and has no open case;
//!   one row per org, saying what they hold;
//! - `pending_invitation`: each invitation the Hub shows (only Basic-SSO SCIM orgs show them);
//! - `outside_gated_access`: a holder of a gated repo's access who is on no roster entry and
//!   member of no managed org;
//! - `single_admin`: an org with at most one human admin (the subject is that admin, or `-`);
//! - `service_account`: Leaver's token user and the configured service accounts among members.
//!
//! When one username has several roster entries (the CSV and a SCIM user), `terminated` in any
//! of them wins: a doubt shows as a row to look at, never as silence.

use super::entry::{RosterEntry, RosterStatus};
use super::seat_cost::{OrgCost, SeatPrices};
use crate::plan::OrgFacts;
use crate::username::same_account;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::Date;

/// What a row says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Orphan,
    MissedOffboarding,
    PendingInvitation,
    OutsideGatedAccess,
    SingleAdmin,
    ServiceAccount,
}

impl FindingKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [FindingKind; 6] = [
        FindingKind::Orphan,
        FindingKind::MissedOffboarding,
        FindingKind::PendingInvitation,
        FindingKind::OutsideGatedAccess,
        FindingKind::SingleAdmin,
        FindingKind::ServiceAccount,
    ];

    /// The snake_case name (JSON, CSV, the database).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Orphan => "orphan",
            FindingKind::MissedOffboarding => "missed_offboarding",
            FindingKind::PendingInvitation => "pending_invitation",
            FindingKind::OutsideGatedAccess => "outside_gated_access",
            FindingKind::SingleAdmin => "single_admin",
            FindingKind::ServiceAccount => "service_account",
        }
    }

    /// Reads a name written by [`FindingKind::as_str`].
    pub fn parse(raw: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// Whether a case can be opened for the row's person (the rows about a person's access).
    pub fn is_about_a_leaver(self) -> bool {
        matches!(
            self,
            FindingKind::Orphan | FindingKind::MissedOffboarding | FindingKind::OutsideGatedAccess
        )
    }
}

/// One row of the reconciliation. `(org, kind, subject)` names it across reports (dismissals
/// and "first seen" are kept under that name).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub org: String,
    pub kind: FindingKind,
    /// The Hub username, or `user@repo_type:repo_id` for gated access, or `-`.
    pub subject: String,
    pub hub_username: Option<String>,
    /// From the roster entry, when there is one.
    pub email: Option<String>,
    pub manager_email: Option<String>,
    pub end_date: Option<Date>,
    /// What was seen, in words.
    pub detail: String,
    /// What the row costs a month (a seat), 0 when it costs none.
    pub monthly_cost: f64,
}

/// Every finding of every org, and each org's seat cost.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Reconciliation {
    pub findings: Vec<Finding>,
    pub costs: Vec<OrgCost>,
}

/// The roster by lower-cased username: `terminated` wins over `active`.
fn by_username(roster: &[RosterEntry]) -> HashMap<String, &RosterEntry> {
    let mut index: HashMap<String, &RosterEntry> = HashMap::with_capacity(roster.len());
    for entry in roster {
        let Some(user) = &entry.hub_username else {
            continue;
        };
        let key = user.as_str().to_ascii_lowercase();
        match index.get(&key) {
            Some(kept) if kept.status == RosterStatus::Terminated => {}
            _ => {
                index.insert(key, entry);
            }
        }
    }
    index
}

/// Reconciles `roster` with `orgs` (one shared read of each), given the usernames that have an
/// open case and the configured service accounts, costing seats at `prices`.
pub fn reconcile(
    roster: &[RosterEntry],
    orgs: &[OrgFacts],
    open_cases: &[String],
    service_accounts: &[String],
    prices: &SeatPrices,
) -> Reconciliation {
    let roster = by_username(roster);
    let open: HashSet<String> = open_cases.iter().map(|u| u.to_ascii_lowercase()).collect();
    let members_anywhere: HashSet<String> = orgs
        .iter()
        .flat_map(|o| o.members.keys().map(|u| u.to_ascii_lowercase()))
        .collect();
    let mut out = Reconciliation::default();
    for org in orgs {
        let service = |user: &str| {
            same_account(user, &org.token.user)
                || service_accounts.iter().any(|s| same_account(s, user))
        };
        let seat = prices.per_seat(org.plan);
        let mut rows = OrgRows::new(org, &roster, &open, seat);
        for (user, member) in &org.members {
            if service(user) {
                rows.push(
                    FindingKind::ServiceAccount,
                    user,
                    None,
                    format!(
                        "{} (Leaver's token or a listed service account)",
                        member.role
                    ),
                    0.0,
                );
                continue;
            }
            rows.member(user, &member.role);
        }
        for invited in org.invitations.iter().flatten() {
            rows.invitation(invited);
        }
        for repo in &org.gated_repos {
            let name = format!("{}:{}", repo.repo_type.as_str(), repo.id);
            for (user, status) in &repo.holders {
                if service(user) {
                    continue;
                }
                let lower = user.to_ascii_lowercase();
                rows.gated(user, &name, *status, members_anywhere.contains(&lower));
            }
        }
        let admins: Vec<&str> = org
            .members
            .iter()
            .filter(|(user, m)| m.role == "admin" && !service(user))
            .map(|(user, _)| user.as_str())
            .collect();
        if admins.len() <= 1 {
            let subject = admins.first().copied().unwrap_or("-");
            let detail = match admins.first() {
                Some(admin) => format!(
                    "{admin} is the only human admin: if they leave, nobody can manage the org"
                ),
                None => {
                    "no human admin: only Leaver's token or service accounts can manage the org"
                        .into()
                }
            };
            rows.push(
                FindingKind::SingleAdmin,
                subject,
                admins.first().copied(),
                detail,
                0.0,
            );
        }
        let mut findings = rows.finish();
        findings.sort_by(|a, b| (a.kind, &a.subject).cmp(&(b.kind, &b.subject)));
        out.costs.push(OrgCost::of(org, seat, &findings));
        out.findings.extend(findings);
    }
    out
}

/// The rows of one org as they are found; a terminated person's holdings gather in one row.
struct OrgRows<'a> {
    org: &'a OrgFacts,
    roster: &'a HashMap<String, &'a RosterEntry>,
    open: &'a HashSet<String>,
    seat: f64,
    findings: Vec<Finding>,
    /// Lower-cased username → (username, what they still hold).
    missed: BTreeMap<String, (String, Vec<String>)>,
}

impl<'a> OrgRows<'a> {
    fn new(
        org: &'a OrgFacts,
        roster: &'a HashMap<String, &'a RosterEntry>,
        open: &'a HashSet<String>,
        seat: f64,
    ) -> OrgRows<'a> {
        OrgRows {
            org,
            roster,
            open,
            seat,
            findings: Vec::new(),
            missed: BTreeMap::new(),
        }
    }

    fn entry(&self, user: &str) -> Option<&'a RosterEntry> {
        self.roster.get(&user.to_ascii_lowercase()).copied()
    }

    fn push(
        &mut self,
        kind: FindingKind,
        subject: &str,
        user: Option<&str>,
        detail: String,
        cost: f64,
    ) {
        let entry = user.and_then(|u| self.entry(u));
        self.findings.push(Finding {
            org: self.org.name.clone(),
            kind,
            subject: subject.to_owned(),
            hub_username: user.map(str::to_owned),
            email: entry.map(|e| e.email.to_string()),
            manager_email: entry
                .and_then(|e| e.manager_email.as_ref())
                .map(ToString::to_string),
            end_date: entry.and_then(|e| e.end_date),
            detail,
            monthly_cost: cost,
        });
    }

    /// Notes what a terminated person without an open case still holds; `false` for others.
    fn terminated_holds(&mut self, user: &str, what: String) -> bool {
        let lower = user.to_ascii_lowercase();
        let terminated = self
            .entry(user)
            .is_some_and(|e| e.status == RosterStatus::Terminated);
        if !terminated || self.open.contains(&lower) {
            return terminated;
        }
        self.missed
            .entry(lower)
            .or_insert_with(|| (user.to_owned(), Vec::new()))
            .1
            .push(what);
        true
    }

    fn member(&mut self, user: &str, role: &str) {
        if self.terminated_holds(user, format!("member ({role})")) || self.entry(user).is_some() {
            return;
        }
        let detail = format!("member ({role}) with no roster entry");
        self.push(FindingKind::Orphan, user, Some(user), detail, self.seat);
    }

    fn invitation(&mut self, user: &str) {
        self.terminated_holds(user, "a pending invitation".into());
        let detail = "invited, not yet accepted: the invitation holds a seat".to_owned();
        self.push(
            FindingKind::PendingInvitation,
            user,
            Some(user),
            detail,
            self.seat,
        );
    }

    fn gated(&mut self, user: &str, repo: &str, status: crate::plan::AccessStatus, member: bool) {
        let status = match status {
            crate::plan::AccessStatus::Pending => "pending",
            _ => "accepted",
        };
        if self.terminated_holds(user, format!("{status} access to {repo}"))
            || self.entry(user).is_some()
            || member
        {
            return;
        }
        let detail =
            format!("{status} access to {repo}, on no roster and member of no managed org");
        self.push(
            FindingKind::OutsideGatedAccess,
            &format!("{user}@{repo}"),
            Some(user),
            detail,
            0.0,
        );
    }

    fn finish(mut self) -> Vec<Finding> {
        let missed = std::mem::take(&mut self.missed);
        for (user, held) in missed.into_values() {
            let detail = format!(
                "terminated on the roster, no open case, still holds: {}",
                held.join(", ")
            );
            self.push(
                FindingKind::MissedOffboarding,
                &user,
                Some(&user),
                detail,
                0.0,
            );
        }
        self.findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RepoType;
    use crate::plan::{AccessStatus, GatedRepo, HubPlan, MemberFacts, ScimMode, TokenFacts};
    use crate::roster::{RosterEntryInput, RosterSource};
    use crate::username::Account;

    fn org(
        name: &str,
        plan: HubPlan,
        members: &[(&str, &str)],
        invited: Option<&[&str]>,
    ) -> OrgFacts {
        OrgFacts {
            name: name.into(),
            plan,
            scim: ScimMode::None,
            token: TokenFacts {
                user: "leaver-bot".into(),
                role_in_org: Some("admin".into()),
                can_write: true,
            },
            members: members
                .iter()
                .map(|(u, r)| {
                    (
                        Account::from(*u),
                        MemberFacts {
                            role: r.to_string(),
                            resource_groups: vec![],
                        },
                    )
                })
                .collect(),
            gated_repos: vec![],
            invitations: invited.map(|i| i.iter().map(|s| s.to_string()).collect()),
        }
    }

    fn entry(user: &str, status: &str) -> RosterEntry {
        let input = RosterEntryInput {
            email: Some(format!("{user}@acme.test")),
            hub_username: Some(user.into()),
            status: Some(status.into()),
            end_date: None,
            manager_email: Some("carol@acme.test".into()),
        };
        RosterEntry::parse(&input, RosterSource::Csv).expect("good")
    }

    fn rows(r: &Reconciliation) -> Vec<(String, &'static str, String)> {
        r.findings
            .iter()
            .map(|f| (f.org.clone(), f.kind.as_str(), f.subject.clone()))
            .collect()
    }

    #[test]
    fn each_kind_is_found_once_and_costed() {
        let mut team = org(
            "acme",
            HubPlan::Team,
            &[
                ("alice", "admin"),
                ("bob", "write"),
                ("Zed", "read"),
                ("leaver-bot", "admin"),
                ("ci", "write"),
            ],
            None,
        );
        team.gated_repos.push(GatedRepo {
            repo_type: RepoType::Model,
            id: "acme/m".into(),
            holders: [
                ("outsider".into(), AccessStatus::Accepted),
                ("dan".into(), AccessStatus::Pending),
                ("alice".into(), AccessStatus::Accepted),
            ]
            .into(),
        });
        let ent = org(
            "acme-ent",
            HubPlan::Enterprise,
            &[("alice", "admin"), ("frank", "admin"), ("eve", "read")],
            Some(&["gina"]),
        );
        let roster = [
            entry("alice", "active"),
            entry("bob", "terminated"),
            entry("dan", "terminated"),
            entry("eve", "terminated"),
            entry("frank", "active"),
        ];
        let r = reconcile(
            &roster,
            &[team, ent],
            &["eve".into()],
            &["ci".into()],
            &SeatPrices::default(),
        );
        let s = |o: &str, k: &'static str, x: &str| (o.to_string(), k, x.to_string());
        assert_eq!(
            rows(&r),
            [
                s("acme", "orphan", "Zed"),
                s("acme", "missed_offboarding", "bob"),
                s("acme", "missed_offboarding", "dan"),
                s("acme", "outside_gated_access", "outsider@model:acme/m"),
                s("acme", "single_admin", "alice"),
                s("acme", "service_account", "ci"),
                s("acme", "service_account", "leaver-bot"),
                s("acme-ent", "pending_invitation", "gina"),
            ]
        );
        assert!(
            r.findings[2]
                .detail
                .contains("pending access to model:acme/m")
        );
        assert_eq!(
            r.findings[1].manager_email.as_deref(),
            Some("carol@acme.test")
        );
        assert_eq!(
            (
                r.costs[0].orphans,
                r.costs[0].invitations,
                r.costs[0].monthly_cost
            ),
            (1, None, 20.0)
        );
        assert_eq!(
            (
                r.costs[1].orphans,
                r.costs[1].invitations,
                r.costs[1].monthly_cost
            ),
            (0, Some(1), 50.0)
        );
    }

    #[test]
    fn terminated_in_any_source_wins() {
        let mut scim = entry("bob", "active");
        scim.source = RosterSource::Scim;
        let roster = [entry("bob", "terminated"), scim];
        let r = reconcile(
            &roster,
            &[org(
                "acme",
                HubPlan::Team,
                &[("alice", "admin"), ("carol", "admin"), ("bob", "read")],
                None,
            )],
            &[],
            &[],
            &SeatPrices::default(),
        );
        assert_eq!(
            r.findings.iter().map(|f| f.kind).collect::<Vec<_>>(),
            [
                FindingKind::Orphan,
                FindingKind::Orphan,
                FindingKind::MissedOffboarding
            ]
        );
    }
}
