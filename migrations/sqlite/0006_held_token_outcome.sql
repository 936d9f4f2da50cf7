-- flag_tokens now asks the Hub whose each held token is before revoking it, and records what
-- it made of every one: `outcome` is 'revoked' (it was the leaver's), 'dead' (the Hub no longer
-- knew it: nothing to revoke) or 'not_revoked' (someone else's, named in `owner`, Leaver's own
-- account included: left alive for an operator); NULL while the token waits. `settled_at`
-- (was `revoked_at`) is when that was recorded; the seal is emptied then, whatever the outcome.
ALTER TABLE held_token RENAME COLUMN revoked_at TO settled_at;
ALTER TABLE held_token ADD COLUMN outcome TEXT;
ALTER TABLE held_token ADD COLUMN owner TEXT;
UPDATE held_token SET outcome = 'revoked' WHERE settled_at IS NOT NULL;
