-- Leaver as a SCIM 2.0 service provider (issue 15). Times are milliseconds since the Unix epoch (BIGINT),
-- ids are UUID text, as in 0001.

-- What a key may open: `api` for the REST API under /api/v1 (every key made before), `scim` for
-- /scim/v2 only. A key of one scope never opens the other door.
ALTER TABLE api_key ADD COLUMN scope TEXT NOT NULL DEFAULT 'api';

-- The users an identity provider pushes: the roster as the IdP sees it. `resource` is the SCIM
-- User as last stored (JSON, without `meta`); the other columns are what Leaver reads or filters
-- on. `user_name_key` and `email_key` are lower-cased (userName and emails are caseExact=false in
-- RFC 7643). `active` is 1 or 0. `manager_ref` is the enterprise extension's manager.value (a SCIM
-- id or, as some IdPs send it, an email). `version` is meta.version's counter (ETag W/"n").
-- `case_id` is the case the user's deprovisioning opened, if any.
CREATE TABLE scim_user (
    scim_id       TEXT PRIMARY KEY,
    external_id   TEXT,
    user_name     TEXT NOT NULL,
    user_name_key TEXT NOT NULL UNIQUE,
    email_key     TEXT,
    emails        TEXT NOT NULL,
    active        BIGINT NOT NULL,
    hub_username  TEXT,
    successor     TEXT,
    manager_ref   TEXT,
    resource      TEXT NOT NULL,
    version       BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    case_id       TEXT
);
CREATE INDEX scim_user_external ON scim_user (external_id);
CREATE INDEX scim_user_email ON scim_user (email_key);
