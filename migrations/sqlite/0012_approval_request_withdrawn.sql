-- Steps a request no longer decides because they were put to the approvers again since (after a
-- rejection, or because the successor changed): a JSON list of step ids, NULL for none.
ALTER TABLE approval_request ADD COLUMN withdrawn TEXT;
