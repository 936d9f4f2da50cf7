-- The orgs as the roster's background refresh last read them (review of issue 16): the roster
-- page reconciles against this row, so a page request never reads the Hub. One row (id 1).
-- Times are milliseconds since the Unix epoch, as in 0001.
CREATE TABLE roster_read (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    -- A refresh asked for (the page's button) and not done yet; NULL when none is waiting.
    requested_at INTEGER,
    -- When the stored orgs were read, and the orgs (JSON, leaver-core's OrgFacts, one per org);
    -- NULL before the first read that succeeded.
    read_at      INTEGER,
    orgs         TEXT,
    -- The last read that failed since the last that succeeded, and why.
    failed_at    INTEGER,
    error        TEXT
);
