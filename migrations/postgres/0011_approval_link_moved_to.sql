-- A link handed over to someone else before it was used (the case's manager changed): who the
-- request went to instead, so the old link's page can say where it moved.
ALTER TABLE approval_link ADD COLUMN moved_to TEXT;
