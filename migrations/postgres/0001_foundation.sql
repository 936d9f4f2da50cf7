-- Cases, steps, the job outbox and the audit chain. Times are milliseconds since the Unix epoch
-- (BIGINT here, INTEGER on SQLite), ids are UUID text: the same representation on SQLite and Postgres, so one set of
-- queries serves both.

-- One offboarding of one person. `external_id` is the HR ticket: unique, which makes opening a
-- case idempotent; `ticket_hash` tells a replay of the same ticket from a conflicting one.
CREATE TABLE offboarding_case (
    case_id        TEXT PRIMARY KEY,
    external_id    TEXT NOT NULL UNIQUE,
    ticket_hash    TEXT NOT NULL,
    state          TEXT NOT NULL,
    email          TEXT NOT NULL,
    name           TEXT,
    hub_username   TEXT NOT NULL,
    manager_email  TEXT NOT NULL,
    successor      TEXT,
    effective_at   BIGINT,
    reason         TEXT,
    run_now        BIGINT NOT NULL DEFAULT 0,
    blocked_reason TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX offboarding_case_state ON offboarding_case (state, created_at);

-- The steps of a case; `position` keeps the planner's order.
CREATE TABLE step (
    step_id       TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES offboarding_case (case_id),
    position      BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    target        TEXT NOT NULL,
    strategy      TEXT NOT NULL,
    state         TEXT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    error         TEXT,
    next_retry_at BIGINT,
    instructions  TEXT,
    note          TEXT,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX step_case ON step (case_id, position);

-- The outbox: work that follows from a state change, written in the same transaction. A worker
-- claims a job by setting `locked_by` (a fresh token per claim) and `locked_until`; when the
-- lease runs out (the worker died) another worker claims it again. `dedupe_key` keeps one
-- pending job per purpose (one run of a step, one planning of a case).
CREATE TABLE job (
    job_id       TEXT PRIMARY KEY,
    dedupe_key   TEXT NOT NULL UNIQUE,
    case_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    run_at       BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    locked_by    TEXT,
    locked_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX job_due ON job (run_at);

-- Append-only trail; each record's hash covers the previous one's (see leaver_core::audit).
CREATE TABLE audit_event (
    seq       BIGINT PRIMARY KEY,
    case_id   TEXT,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    data      TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_event_case ON audit_event (case_id, seq);

-- The chain's head, one row. Appending bumps it first, which serialises appends (and, on
-- SQLite, takes the write lock before anything is read) and lets `audit verify` notice when
-- the newest records were deleted.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
