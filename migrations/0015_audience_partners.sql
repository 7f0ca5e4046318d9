-- Issue 16, the parts of a calmer search and of partners who keep their own.
--
-- Who an activity is meant for: everyone, young people (12-18), older people or
-- families. Residents by default see all but young people's activities. Existing
-- activities are for everyone until a partner's file or a coordinator says otherwise.
ALTER TABLE activities ADD COLUMN audience TEXT NOT NULL DEFAULT 'everyone'
    CHECK (audience IN ('everyone', 'youth', 'seniors', 'families'));

-- A partner: someone at an organisation who keeps the activities of one or more
-- sources in the chat, and nothing else. The role list gains 'partner' (SQLite
-- cannot change a CHECK in place, so the table is rebuilt with the same rows).
CREATE TABLE roles_new (
    telegram_id INTEGER NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('volunteer', 'coordinator', 'partner')),
    source      TEXT NOT NULL CHECK (source IN ('config', 'bot')),
    granted_at  TEXT NOT NULL,
    granted_by  INTEGER,
    PRIMARY KEY (telegram_id, role)
) WITHOUT ROWID;
INSERT INTO roles_new (telegram_id, role, source, granted_at, granted_by)
    SELECT telegram_id, role, source, granted_at, granted_by FROM roles;
DROP TABLE roles;
ALTER TABLE roles_new RENAME TO roles;

-- Which sources (sources.name, or an activities.source of a file never registered)
-- a partner keeps. The partner role is held while at least one row is here.
CREATE TABLE partner_sources (
    telegram_id INTEGER NOT NULL,
    source      TEXT NOT NULL,
    granted_at  TEXT NOT NULL,
    granted_by  INTEGER,
    PRIMARY KEY (telegram_id, source)
) WITHOUT ROWID;
CREATE INDEX partner_sources_source ON partner_sources (source);

-- Partner invites are the volunteers' single-use invite links with a role and, for a
-- partner, the sources they will keep (one name per line).
ALTER TABLE volunteer_invites ADD COLUMN role TEXT NOT NULL DEFAULT 'volunteer'
    CHECK (role IN ('volunteer', 'partner'));
ALTER TABLE volunteer_invites ADD COLUMN sources TEXT NOT NULL DEFAULT '';
