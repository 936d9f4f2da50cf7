//! The command line: what each command is for, in words a new operator understands.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Leaver offboards people from Hugging Face organizations: it finds what a leaver holds on the
/// Hub, plans the steps to take it away, asks the right people to approve, carries the steps out
/// and keeps an audit trail an auditor can trust.
#[derive(Debug, Parser)]
#[command(name = "leaver", version, propagate_version = true)]
pub struct Cli {
    /// A TOML file with settings (the same names as the LEAVER_* variables, in lower case).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Try Leaver with nothing set up: a SQLite file, a built-in Hub simulator with a demo org,
    /// and demo cases to follow. Prints what to open.
    Demo {
        /// Exit once the demo cases are done, instead of serving until Ctrl-C.
        #[arg(long)]
        once: bool,
    },
    /// Run the server: the web UI and API, and the workers that carry out approved steps.
    Serve,
    /// Check that the database, the Hub token (and its rights in each org) and SMTP work.
    Check,
    /// Show, without changing anything, what Leaver would do to offboard a Hub user.
    Plan {
        /// The leaver's Hugging Face username.
        #[arg(long)]
        hub_user: String,
        /// Who would be promoted where the leaver is the last admin.
        #[arg(long)]
        successor: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create or update the database tables (safe to run again; other commands do it too).
    Migrate,
    /// Open, list, inspect and cancel offboarding cases.
    #[command(subcommand)]
    Case(CaseCommand),
    /// Check the tamper-evident audit trail, or export evidence for auditors.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Open many cases from a CSV file (columns: external_id,email,name,hub_username,
    /// manager_email,successor,effective_at,reason). Every row is checked first; bad rows are
    /// reported by line and field and left out.
    Import {
        /// The CSV file (with a header row).
        file: PathBuf,
        /// Check the file and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Manage operators (who log in to the web UI).
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API keys (what HR systems call the REST API with).
    #[command(subcommand)]
    Apikey(ApikeyCommand),
    /// Manage hook sources (HR systems that send signed webhooks instead of holding a key).
    #[command(subcommand)]
    Hook(crate::commands::hook::HookCommand),
    /// The roster of people who should be in the managed orgs: import it, reconcile it.
    #[command(subcommand)]
    Roster(crate::commands::roster::RosterCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an operator, or set a new password for an existing one.
    Add {
        /// The operator's email (their login).
        #[arg(long)]
        email: String,
        /// Read the password from standard input (its first line), so that it never appears
        /// in the shell history or the process list.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List operators: email, when added, last login (no secrets).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove an operator: they can no longer log in and their open sessions end at once.
    /// Recorded in the audit trail.
    Remove {
        /// The operator's email.
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApikeyCommand {
    /// Create an API key; prints it as the last line. It is shown once: only its hash is kept.
    Create {
        /// What the key is for (`workday`): the audit trail names the caller `api:<name>`.
        #[arg(long)]
        name: String,
        /// The door it opens: `api` (the REST API) or `scim` (the SCIM service provider at
        /// /scim/v2, for an identity provider). A key opens one door only.
        #[arg(long, default_value = "api", value_parser = ["api", "scim"])]
        scope: String,
    },
    /// List API keys: name, when created, last used (never the key).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke an API key: requests with it are refused from now on. Recorded in the audit trail.
    Revoke {
        /// The key's name, as given to `apikey create`.
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case from an HR ticket; prints the case id as the last line. Opening the same ticket
    /// again returns the same case.
    Open(OpenArgs),
    /// List cases, newest first.
    List {
        /// Only cases in this state (planning, awaiting_approval, scheduled, running, completed,
        /// needs_attention, cancelled).
        #[arg(long)]
        state: Option<String>,
        /// Only cases whose ticket id, email or Hub username contains TEXT (any case).
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        search: Option<String>,
        /// Print JSON, as the REST API returns it.
        #[arg(long)]
        json: bool,
    },
    /// Show one case with its steps.
    Show {
        /// The case id (a UUID) or its HR ticket's id.
        id: String,
        /// Print JSON, as the REST API returns it.
        #[arg(long)]
        json: bool,
    },
    /// Change a case's ticket (until its first Hub write): a new effective time reschedules the
    /// steps, a new manager takes over the open approval links, a new successor re-plans a
    /// blocked case or asks the approvers again about promoting them. An empty value clears a
    /// field (not --manager).
    Update(UpdateArgs),
    /// Discover and plan a case again from a fresh read of the Hub (before its first write);
    /// approvals stand for the steps the read leaves as they were.
    Replan {
        /// The case id (a UUID).
        id: String,
    },
    /// Skip one step: it will not run. The reads of the Hub (refresh, verify) cannot be skipped.
    Skip {
        /// The case id (a UUID).
        id: String,
        /// The step id (a UUID, as `case show` lists it).
        #[arg(long)]
        step: String,
        /// Why, for the record (required).
        #[arg(long, allow_hyphen_values = true)]
        reason: String,
    },
    /// Put every rejected step of a case to the approvers again.
    Reask {
        /// The case id (a UUID).
        id: String,
    },
    /// Confirm that the leaver holds nothing Leaver can see (a case found in none of the
    /// managed orgs waits for this): the tokens step and the verifying read go ahead.
    ConfirmEmpty {
        /// The case id (a UUID).
        id: String,
    },
    /// Hand over raw Hub tokens of the leaver for the case's tokens step to revoke, read one per
    /// line from standard input (never from the command line); prints their fingerprints only.
    Tokens {
        /// The case id (a UUID).
        id: String,
        /// Read the tokens from standard input, one per line (required: tokens are never taken
        /// as arguments, which other users of the machine can see).
        #[arg(long, required = true)]
        stdin: bool,
        /// Anything after the id: refused without being repeated (a token typed here is
        /// already visible to other users of the machine).
        #[arg(hide = true, num_args = 0.., allow_hyphen_values = true)]
        stray: Vec<String>,
    },
    /// Record that you checked each org's Tokens Management for the leaver's tokens.
    TokensAck {
        /// The case id (a UUID).
        id: String,
    },
    /// Cancel a case: steps that have not started will not run.
    Cancel {
        /// The case id (a UUID).
        id: String,
        /// Why, for the audit trail.
        #[arg(long, default_value = "cancelled by an operator")]
        reason: String,
    },
}

/// The ticket's fields. Required ones are checked together so that every bad field is reported
/// at once.
#[derive(Debug, Args)]
#[command(next_help_heading = "Ticket")]
pub struct OpenArgs {
    /// The HR ticket id (required; unique per case).
    #[arg(long, allow_hyphen_values = true)]
    pub external_id: Option<String>,
    /// The leaver's work email (required).
    #[arg(long, allow_hyphen_values = true)]
    pub email: Option<String>,
    /// The leaver's Hugging Face username (required).
    #[arg(long, allow_hyphen_values = true)]
    pub hub_user: Option<String>,
    /// The leaver's manager's email: they approve the plan (required).
    #[arg(long, allow_hyphen_values = true)]
    pub manager: Option<String>,
    /// The leaver's full name.
    #[arg(long, allow_hyphen_values = true)]
    pub name: Option<String>,
    /// Who becomes admin where the leaver is the last admin (a Hub username).
    #[arg(long, allow_hyphen_values = true)]
    pub successor: Option<String>,
    /// Nothing touches the Hub before this time: a date (2026-12-15, the start of that day in
    /// LEAVER_TIMEZONE), a time in LEAVER_TIMEZONE (2026-12-15T09:00) or RFC 3339 with an
    /// offset (2026-12-15T09:00:00+01:00). A time in the past needs --now.
    #[arg(long, allow_hyphen_values = true)]
    pub effective_at: Option<String>,
    /// Why the person leaves (free text, for the record).
    #[arg(long, allow_hyphen_values = true)]
    pub reason: Option<String>,
    /// Run at once: accept an effective time in the past and do not wait for it.
    #[arg(long)]
    pub now: bool,
    /// Print the case as JSON, as the REST API returns it, instead of its id.
    #[arg(long)]
    pub json: bool,
}

/// What `case update` changes; at least one is needed.
#[derive(Debug, Args)]
#[command(next_help_heading = "Changes")]
pub struct UpdateArgs {
    /// The case id (a UUID).
    pub id: String,
    /// The new last day: nothing touches the Hub before it (RFC 3339, like
    /// 2026-12-01T17:00:00Z); an empty value clears it.
    #[arg(long, allow_hyphen_values = true)]
    pub effective_at: Option<String>,
    /// The new manager's email: they are handed the open approval links.
    #[arg(long, allow_hyphen_values = true)]
    pub manager: Option<String>,
    /// Who becomes admin where the leaver is the last admin (a Hub username).
    #[arg(long, allow_hyphen_values = true)]
    pub successor: Option<String>,
    /// Why the person leaves.
    #[arg(long, allow_hyphen_values = true)]
    pub reason: Option<String>,
    /// The leaver's full name.
    #[arg(long, allow_hyphen_values = true)]
    pub name: Option<String>,
    /// The leaver's Hub username, on a case waiting for it (opened by the identity provider or
    /// an HR webhook without one); once known it does not change.
    #[arg(long, allow_hyphen_values = true)]
    pub hub_username: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit trail's hash chain; exits non-zero and names the first broken record
    /// if any record was edited or deleted.
    Verify,
    /// Export evidence (the plan, decisions with approver, time, IP and user agent, every Hub
    /// call's outcome, the verify snapshot, the chain's verification) to standard output.
    Export {
        /// One case (its id); without it, every case touched in the period.
        #[arg(long)]
        case: Option<String>,
        /// json, csv or html (a printable page).
        #[arg(long, default_value = "json")]
        format: String,
        /// Start of the period (a date like 2026-11-01 or an RFC 3339 time); default: the beginning.
        #[arg(long)]
        from: Option<String>,
        /// End of the period (a date, included, or an RFC 3339 time); default: now.
        #[arg(long)]
        to: Option<String>,
    },
}
