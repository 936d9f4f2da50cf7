-- The email outbox holds what to send, no longer a rendering: which email (`kind`:
-- approval_request, approval_reminder with its `reminder` number, approval_escalation,
-- approval_fresh_link), about which case and link, to whom. The mail worker renders it when it
-- sends it, from the case and the link as they are then, and derives the link's secret from the
-- link's id: no body is stored, so neither a secret nor a slot for one is. Rows queued before keep
-- their kind, case, link and recipient (their stored bodies go); a reminder's number is its
-- link's count of reminders.
CREATE TABLE email_outbox_next (
    email_id        TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL,
    link_id         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    reminder        BIGINT,
    created_at      BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    locked_by       TEXT,
    locked_until    BIGINT,
    sent_at         BIGINT,
    failed_at       BIGINT,
    last_error      TEXT
);
INSERT INTO email_outbox_next (email_id, case_id, link_id, kind, recipient, reminder, created_at,
    next_attempt_at, attempts, locked_by, locked_until, sent_at, failed_at, last_error)
SELECT o.email_id, o.case_id, o.link_id, o.kind, o.recipient,
       CASE WHEN o.kind = 'approval_reminder' THEN l.reminders END,
       o.created_at, o.next_attempt_at, o.attempts, o.locked_by, o.locked_until, o.sent_at,
       o.failed_at, o.last_error
FROM email_outbox o LEFT JOIN approval_link l ON l.link_id = o.link_id
WHERE o.case_id IS NOT NULL AND o.link_id IS NOT NULL;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_next RENAME TO email_outbox;
CREATE INDEX email_outbox_due ON email_outbox (sent_at, next_attempt_at);
