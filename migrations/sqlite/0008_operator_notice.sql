-- What operators are to be told: a case entered needs_attention, a step failed for good, an
-- approver said no, an approval rule has nobody to ask. A notice is written in the transaction
-- of the event that raised it; the mail worker gathers every pending notice into one email to
-- LEAVER_OPERATOR_EMAIL once the oldest has waited LEAVER_OPERATOR_DIGEST_SECS, claiming them
-- under a lease as it does emails (`locked_by`, `locked_until`), keeping them once sent.
CREATE TABLE operator_notice (
    notice_id       TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL,
    reason          TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    locked_by       TEXT,
    locked_until    INTEGER,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT
);
CREATE INDEX operator_notice_pending ON operator_notice (sent_at, failed_at, created_at);

-- Operators were told by a job before (an audit note, written when it ran): a job still
-- pending becomes a notice, without the reason its payload held.
INSERT INTO operator_notice (notice_id, case_id, reason, created_at, next_attempt_at)
SELECT job_id, case_id, 'the case needs an operator', created_at, created_at
FROM job WHERE kind = 'notify_operator';
DELETE FROM job WHERE kind = 'notify_operator';
