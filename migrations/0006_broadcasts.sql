-- Broadcasts, the resident's postcode area (for area audiences) and the audit log.

-- Optional, set by the resident in "My data": the 4-digit postcode of where they live.
ALTER TABLE residents ADD COLUMN postcode_area TEXT
    CHECK (postcode_area IS NULL OR postcode_area GLOB '[1-9][0-9][0-9][0-9]');
CREATE INDEX residents_area ON residents (postcode_area) WHERE postcode_area IS NOT NULL;

-- A coordinator's announcement. Drafts live here too, so a restart mid-compose
-- loses nothing. Recipients are chosen when it is queued (now, or at send_at).
CREATE TABLE broadcasts (
    id                  INTEGER PRIMARY KEY,
    author_id           INTEGER NOT NULL,
    language            TEXT NOT NULL,  -- the author's: progress and report speak it
    text                TEXT NOT NULL,
    photo_file_id       TEXT,
    audience            TEXT,
    status              TEXT NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft', 'scheduled', 'sending', 'done', 'cancelled')),
    send_at             TEXT,
    recipients          INTEGER,
    progress_outbox_id  INTEGER,
    progress_shown      TEXT,
    created_at          TEXT NOT NULL,
    queued_at           TEXT,
    finished_at         TEXT
);
CREATE INDEX broadcasts_due ON broadcasts (send_at) WHERE status = 'scheduled';
CREATE INDEX broadcasts_sending ON broadcasts (status) WHERE status = 'sending';
CREATE INDEX broadcasts_author ON broadcasts (author_id);

-- Who did what and when: broadcasts, invites, role changes, activity edits.
-- Details hold ids and counts, never names, phone numbers or message texts.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   INTEGER,
    action     TEXT NOT NULL,
    subject_id INTEGER,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit_log (at);
CREATE INDEX audit_actor ON audit_log (actor_id);
CREATE INDEX audit_subject ON audit_log (subject_id);
