-- The roster: who should be in the managed orgs (issue 16). Times are milliseconds since the
-- Unix epoch (BIGINT), ids are UUID text, as in 0001.

-- One roster import: who imported it, when, and what it held. The latest import IS the roster:
-- a new import replaces the previous one (never merged into it); the previous import's row
-- stays as the audit record of what was there (its entries are dropped with the replacement).
CREATE TABLE roster_import (
    import_id   TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    entries     BIGINT NOT NULL,
    active      BIGINT NOT NULL,
    terminated  BIGINT NOT NULL
);
CREATE INDEX roster_import_at ON roster_import (imported_at);

-- One person of an import, as the CSV said (`email,hub_username,status,end_date,manager_email`).
-- `email` is stored lower-cased; `end_date` is a calendar date (YYYY-MM-DD) as written.
CREATE TABLE roster_entry (
    import_id     TEXT NOT NULL REFERENCES roster_import (import_id) ON DELETE CASCADE,
    line          BIGINT NOT NULL,
    email         TEXT NOT NULL,
    hub_username  TEXT,
    status        TEXT NOT NULL CHECK (status IN ('active', 'terminated')),
    end_date      TEXT,
    manager_email TEXT,
    PRIMARY KEY (import_id, line)
);
CREATE INDEX roster_entry_user ON roster_entry (hub_username);

-- A reconciliation row an operator dismissed on purpose (a contractor kept in the org), with
-- the reason, who and when. `kind` is the finding's kind (`orphan`, `missed_offboarding`, ...),
-- `subject` the Hub username (or repo:user for gated access) it is about.
CREATE TABLE roster_dismissal (
    org          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    reason       TEXT NOT NULL,
    dismissed_by TEXT NOT NULL,
    dismissed_at BIGINT NOT NULL,
    PRIMARY KEY (org, kind, subject)
);

-- Since when each finding has been seen: written by every report, first_seen_at kept, so each
-- row can say how long it has been there.
CREATE TABLE roster_finding_seen (
    org           TEXT NOT NULL,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    PRIMARY KEY (org, kind, subject)
);
