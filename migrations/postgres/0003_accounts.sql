-- Who may use Leaver's web UI and REST API. Times are milliseconds since the Unix epoch
-- (BIGINT), ids are UUID text, as in 0001. No secret is stored in clear: passwords as argon2 PHC
-- strings, session ids and API keys as SHA-256 hex digests (a leaked table opens nothing).

-- An operator (IT admin) who logs in to the web UI. `email` is stored lower-cased.
CREATE TABLE operator (
    operator_id   TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- A logged-in browser. The cookie holds a random 256-bit id; only its hash is kept here, so the
-- table cannot be used to hijack sessions. Expired rows are ignored and swept at login.
CREATE TABLE operator_session (
    session_hash TEXT PRIMARY KEY,
    operator_id  TEXT NOT NULL REFERENCES operator (operator_id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX operator_session_expiry ON operator_session (expires_at);

-- A key an HR system sends as `Authorization: Bearer <key>`. Shown once when created; the name
-- is what the audit trail records as the actor (`api:<name>`).
CREATE TABLE api_key (
    api_key_id   TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    key_hash     TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
