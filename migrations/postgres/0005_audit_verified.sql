-- How far the audit chain has been verified: the last record a check read and found intact
-- (seq and hash). Pages (`/audit`, evidence) check only the records after it, then move it
-- forward, so they cost what is new instead of the whole chain. `leaver audit verify` ignores
-- it and walks from the first record; when it finds a break it resets the mark to the genesis,
-- so the pages show the break too. One row, like audit_head.
CREATE TABLE audit_verified (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    seq         BIGINT NOT NULL,
    hash        TEXT NOT NULL,
    verified_at BIGINT NOT NULL
);
INSERT INTO audit_verified (id, seq, hash, verified_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
