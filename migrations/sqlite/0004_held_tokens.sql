-- Raw Hub tokens that Leaver was handed to revoke (by a secret scanner, say) during a case's
-- flag_tokens step. The value is never stored in clear: `sealed` holds it encrypted with a key
-- derived from LEAVER_SECRET_KEY (ChaCha20-Poly1305, bound to its row's fingerprint), and is
-- emptied once the token is revoked. `fingerprint` (last four characters and a SHA-256 prefix)
-- tells tokens apart in pages and the audit trail without revealing them.
CREATE TABLE held_token (
    token_id    TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES offboarding_case (case_id),
    fingerprint TEXT NOT NULL,
    sealed      TEXT NOT NULL,
    added_at    INTEGER NOT NULL,
    revoked_at  INTEGER,
    UNIQUE (case_id, fingerprint)
);
