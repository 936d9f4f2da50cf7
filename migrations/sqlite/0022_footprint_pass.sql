-- The reads one `verify` rested on, one per managed org (`footprint_read`), kept once for every
-- case that rested on the same reads. `entries` is JSON text, kept byte for byte: each org with
-- its read's id and the SHA-256 of that read's snapshot. `pass_id` is the SHA-256 of `entries`,
-- and a case's verify evidence names it, so the hash-chained audit trail covers every read
-- through one digest per case instead of one per org.
CREATE TABLE footprint_pass (
    pass_id TEXT PRIMARY KEY,
    entries TEXT NOT NULL
);
