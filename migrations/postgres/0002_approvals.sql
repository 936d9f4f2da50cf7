-- Approvals and the email outbox.

-- One request per policy rule per case: which steps it covers and how its approvers decide.
CREATE TABLE approval_request (
    request_id   TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES offboarding_case (case_id),
    rule         TEXT NOT NULL,
    mode         TEXT NOT NULL,
    steps        TEXT NOT NULL,
    state        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    decided_at   BIGINT,
    escalated_at BIGINT
);
CREATE INDEX approval_request_case ON approval_request (case_id);
CREATE INDEX approval_request_open ON approval_request (state, created_at);

-- One link per approver per request. Only the SHA-256 of the link's secret is stored; the
-- secret itself is derived (HMAC of the link id under the server's key) when an email is sent.
-- A link is single use: `decided_at` is set once.
CREATE TABLE approval_link (
    link_id       TEXT PRIMARY KEY,
    request_id    TEXT NOT NULL REFERENCES approval_request (request_id),
    approver      TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    escalation    BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    reminders     BIGINT NOT NULL DEFAULT 0,
    reminded_at   BIGINT,
    superseded_at BIGINT,
    decided_at    BIGINT,
    decision      TEXT,
    reason        TEXT,
    ip            TEXT,
    user_agent    TEXT
);
CREATE INDEX approval_link_request ON approval_link (request_id);

-- Every email goes through here, written in the transaction that causes it, so an SMTP outage
-- delays mail and loses none. Bodies never hold a link's secret: `{{approval_token}}` stands in
-- for it and is filled in at send time from `link_id`.
CREATE TABLE email_outbox (
    email_id        TEXT PRIMARY KEY,
    case_id         TEXT,
    link_id         TEXT,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    locked_by       TEXT,
    locked_until    BIGINT,
    sent_at         BIGINT,
    failed_at       BIGINT,
    last_error      TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (sent_at, next_attempt_at);
