-- Signed HR webhooks (`POST /api/v1/hooks/{source}`) and a record of the calls Leaver receives
-- from outside (webhooks, SCIM, the REST API). Times are milliseconds since the Unix epoch.

-- A system allowed to send signed webhooks. Its HMAC secret is sealed (ChaCha20-Poly1305 under a
-- key derived from LEAVER_SECRET_KEY, bound to the name), never stored in clear. A revoked source
-- keeps its row (the name stays reserved for its event ids) until it is created again.
CREATE TABLE hook_source (
    hook_source_id TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    sealed_secret  TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER
);

-- Each event id a source sent that was accepted: a second delivery of the same id is refused.
CREATE TABLE hook_event (
    source      TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (source, event_id)
);

-- The last calls received per door and caller, for the settings page: `channel` is hook, scim
-- or api; `name` the hook source or key name. Never a secret or a body: the method, the path,
-- the status answered and a short outcome. Kept bounded (the newest few per channel and name).
CREATE TABLE inbound_call (
    inbound_call_id TEXT PRIMARY KEY,
    channel         TEXT NOT NULL,
    name            TEXT NOT NULL,
    at              INTEGER NOT NULL,
    method          TEXT NOT NULL,
    path            TEXT NOT NULL,
    status          INTEGER NOT NULL,
    outcome         TEXT NOT NULL
);
CREATE INDEX inbound_call_by_name ON inbound_call (channel, name, at);
