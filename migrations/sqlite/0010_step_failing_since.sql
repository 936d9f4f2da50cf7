-- Since when a step has been failing, attempt after attempt (ms since the epoch): transient Hub
-- failures are retried for a time budget (LEAVER_RETRY_FOR_SECS) counted from the first failure
-- of the run, not for a number of attempts. NULL while the step is not failing.
ALTER TABLE step ADD COLUMN failing_since INTEGER;
