-- A whole-org read of the Hub by `refresh` or `verify` (members, invitations, every gated repo's
-- accepted and pending counts), kept once however many cases it served. A case's verify
-- evidence names it by id with the SHA-256 of `snapshot` (JSON text, kept byte for byte), so the
-- hash-chained audit trail covers it. Times are milliseconds since the Unix epoch.
CREATE TABLE footprint_read (
    read_id    TEXT PRIMARY KEY,
    org        TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    snapshot   TEXT NOT NULL
);
