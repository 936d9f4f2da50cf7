-- The drift watch: a completed case whose leaver holds something again (re-invited, rejoined,
-- granted a gated repo again) and the follow-up case opened to take it away, linked both ways.
-- `found` is the JSON list of what came back, in words.
CREATE TABLE drift_link (
    original_case  TEXT NOT NULL,
    follow_up_case TEXT NOT NULL PRIMARY KEY,
    found          TEXT NOT NULL,
    detected_at    INTEGER NOT NULL
);
CREATE INDEX drift_link_original ON drift_link (original_case);
CREATE INDEX drift_link_detected ON drift_link (detected_at);
