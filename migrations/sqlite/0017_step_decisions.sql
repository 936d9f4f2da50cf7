-- Approvers decide step by step (issue 19). A link that approved some steps of its request and
-- rejected others keeps the rejected ones here (a JSON list of step ids; NULL when the decision
-- covered the whole request: `decision` says which). A step an approver chose to keep (rejected
-- while approving the rest) records who kept it: the case goes on without it, and its evidence
-- names the kept access, the approver and the reason (the step's `note`).
ALTER TABLE approval_link ADD COLUMN rejected_steps TEXT;
ALTER TABLE step ADD COLUMN kept_by TEXT;
