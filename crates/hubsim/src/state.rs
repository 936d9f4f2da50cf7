//! The shared application state: the simulated world behind one mutex, plus the
//! simulator's own bookkeeping (rate windows, call counters, faults), each behind its own.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::audit::AuditEvent;
use crate::calls::CallLog;
use crate::faults::Faults;
use crate::ids;
use crate::ratelimit::RateLimiter;
use crate::seed::{
    MemberSeed, OrgSeed, RepoSeed, RepoType, ResourceGroupSeed, Seed, TokenSeed, UserSeed,
};

/// Cheap-to-clone handle on everything the simulator knows.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of the state, each locked on its own.
pub struct Shared {
    world: Mutex<World>,
    limiter: Mutex<RateLimiter>,
    calls: Mutex<CallLog>,
    faults: Mutex<Faults>,
}

/// Locks a mutex, recovering the data if a panicking holder poisoned it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    /// Builds the state from a seed.
    pub fn new(seed: Seed) -> AppState {
        let limiter = RateLimiter::new(seed.rate_limit.unwrap_or_default());
        AppState(Arc::new(Shared {
            world: Mutex::new(World::new(seed)),
            limiter: Mutex::new(limiter),
            calls: Mutex::new(CallLog::default()),
            faults: Mutex::new(Faults::default()),
        }))
    }

    /// The Hub's data.
    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.0.world)
    }

    /// Rate-limit windows.
    pub fn limiter(&self) -> MutexGuard<'_, RateLimiter> {
        lock(&self.0.limiter)
    }

    /// Call counters.
    pub fn calls(&self) -> MutexGuard<'_, CallLog> {
        lock(&self.0.calls)
    }

    /// Injected faults.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.0.faults)
    }

    /// Replaces everything with a fresh seed: world, counters, faults and rate windows.
    pub fn reset(&self, seed: Seed) {
        *self.limiter() = RateLimiter::new(seed.rate_limit.unwrap_or_default());
        *self.calls() = CallLog::default();
        *self.faults() = Faults::default();
        *self.world() = World::new(seed);
    }
}

/// The simulated Hub's data: the seed as it is now, plus the org audit logs.
pub struct World {
    /// Current state, in seed shape. After adding or removing users or tokens, call
    /// [`World::reindex`] (lookups stay correct without it, only slower).
    pub seed: Seed,
    /// Audit events per org, oldest first (kept per org so that an export reads only its org).
    pub audit: HashMap<String, Vec<AuditEvent>>,
    /// How many audit events were recorded in all, for their ids.
    pub audit_count: usize,
    /// Position of each user in `seed.users`, so big orgs list in linear time.
    user_index: HashMap<String, usize>,
    /// Position of each token in `seed.tokens` (every request resolves one).
    token_index: HashMap<String, usize>,
}

impl World {
    /// Builds a world from a seed, filling in what the seed implies.
    pub fn new(seed: Seed) -> World {
        let mut world = World {
            seed: normalize(seed),
            audit: HashMap::new(),
            audit_count: 0,
            user_index: HashMap::new(),
            token_index: HashMap::new(),
        };
        world.reindex();
        world
    }

    /// Rebuilds the user and token indexes after `seed.users` or `seed.tokens` changed.
    pub fn reindex(&mut self) {
        self.user_index = self
            .seed
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.username.clone(), i))
            .collect();
        self.token_index = self
            .seed
            .tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.value.clone(), i))
            .collect();
    }

    /// A user by username.
    pub fn user(&self, username: &str) -> Option<&UserSeed> {
        let indexed = self
            .user_index
            .get(username)
            .and_then(|&i| self.seed.users.get(i));
        match indexed {
            Some(user) if user.username == username => Some(user),
            // A stale index (or a miss) falls back to a scan.
            _ => self.seed.users.iter().find(|u| u.username == username),
        }
    }

    /// A token by raw value.
    pub fn token(&self, value: &str) -> Option<&TokenSeed> {
        let indexed = self
            .token_index
            .get(value)
            .and_then(|&i| self.seed.tokens.get(i));
        match indexed {
            Some(token) if token.value == value => Some(token),
            _ => self.seed.tokens.iter().find(|t| t.value == value),
        }
    }

    /// An org by name.
    pub fn org(&self, name: &str) -> Option<&OrgSeed> {
        self.seed.orgs.iter().find(|o| o.name == name)
    }

    /// An org by name, mutable.
    pub fn org_mut(&mut self, name: &str) -> Option<&mut OrgSeed> {
        self.seed.orgs.iter_mut().find(|o| o.name == name)
    }

    /// A repo by type and `namespace/name`.
    pub fn repo(&self, repo_type: RepoType, id: &str) -> Option<&RepoSeed> {
        self.seed
            .repos
            .iter()
            .find(|r| r.repo_type == repo_type && r.id == id)
    }

    /// A repo by type and id, mutable.
    pub fn repo_mut(&mut self, repo_type: RepoType, id: &str) -> Option<&mut RepoSeed> {
        self.seed
            .repos
            .iter_mut()
            .find(|r| r.repo_type == repo_type && r.id == id)
    }
}

impl OrgSeed {
    /// The membership of `user`, if any.
    pub fn member(&self, user: &str) -> Option<&MemberSeed> {
        self.members.iter().find(|m| m.user == user)
    }

    /// The membership of `user`, mutable.
    pub fn member_mut(&mut self, user: &str) -> Option<&mut MemberSeed> {
        self.members.iter_mut().find(|m| m.user == user)
    }

    /// Display name, defaulting to the handle.
    pub fn display_name(&self) -> &str {
        self.fullname.as_deref().unwrap_or(&self.name)
    }

    /// How many members each resource group has (computed once per request).
    pub fn rg_sizes(&self) -> HashMap<&str, usize> {
        let mut sizes = HashMap::new();
        for group in self.members.iter().flat_map(|m| m.resource_groups.iter()) {
            *sizes.entry(group.name.as_str()).or_default() += 1;
        }
        sizes
    }

    /// Number of members with the `admin` role.
    pub fn admin_count(&self) -> usize {
        self.members.iter().filter(|m| m.role == "admin").count()
    }
}

/// The current time as the Hub writes it (`2026-01-01T00:00:00.000Z`).
pub fn now_iso() -> String {
    let now = time::OffsetDateTime::now_utc();
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    now.format(&format)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_string())
}

/// Fills in what a seed implies: users named only in memberships, invitations, tokens or
/// requests get an account; resource groups named only in memberships get created; SCIM
/// groups get their id. This keeps hand-written seeds short.
fn normalize(mut seed: Seed) -> Seed {
    let mut known: HashSet<String> = seed.users.iter().map(|u| u.username.clone()).collect();
    let mut named: Vec<String> = Vec::new();
    named.extend(seed.tokens.iter().map(|t| t.user.clone()));
    for org in &mut seed.orgs {
        named.extend(org.members.iter().map(|m| m.user.clone()));
        named.extend(org.invitations.iter().map(|i| i.user.clone()));
        named.extend(org.scim_users.iter().map(|s| s.user.clone()));
        for member in &mut org.members {
            if member.role.is_empty() {
                member.role = "read".to_string();
            }
        }
        for invitation in &mut org.invitations {
            if invitation.role.is_empty() {
                invitation.role = "read".to_string();
            }
        }
        let rg_names: Vec<String> = org
            .members
            .iter()
            .flat_map(|m| m.resource_groups.iter().map(|g| g.name.clone()))
            .collect();
        for name in rg_names {
            if !org.resource_groups.iter().any(|g| g.name == name) {
                org.resource_groups.push(ResourceGroupSeed {
                    name,
                    description: None,
                });
            }
        }
        for group in &mut org.scim_groups {
            if group.id.is_empty() {
                group.id = ids::scim_group_id(&org.name, &group.display_name);
            }
        }
    }
    for repo in &seed.repos {
        named.extend(repo.access_requests.iter().map(|r| r.user.clone()));
    }
    for username in named {
        if known.insert(username.clone()) {
            seed.users.push(UserSeed {
                fullname: username.clone(),
                username,
                ..UserSeed::default()
            });
        }
    }
    seed
}
