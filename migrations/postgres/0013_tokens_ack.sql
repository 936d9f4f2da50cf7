-- The person's half of `flag_tokens`: who said they checked the orgs' Tokens Management for
-- the leaver, and when (leaver_core::tokens_ack). Empty until somebody does; the case page
-- asks for it until then.
ALTER TABLE offboarding_case ADD COLUMN tokens_ack_by TEXT;
ALTER TABLE offboarding_case ADD COLUMN tokens_ack_at BIGINT;
