-- Call-back requests, volunteer tasks, invites and applications (issue 4).
--
-- A resident's request for a phone call is a task for the volunteers. The
-- personal columns of a task (resident_id, phone, note, volunteer_id) are
-- cleared a set time after it closes (SAMEN_PHONE_RETENTION_DAYS); what stays
-- (language, topic, times, outcome) names nobody and feeds the numbers.
CREATE TABLE callback_tasks (
    id                   INTEGER PRIMARY KEY,
    resident_id          INTEGER,
    language             TEXT NOT NULL,
    phone                TEXT,
    moment_start         TEXT NOT NULL,
    moment_end           TEXT NOT NULL,
    topic                TEXT,
    status               TEXT NOT NULL DEFAULT 'open'
                         CHECK (status IN ('open', 'claimed', 'closed', 'cancelled')),
    volunteer_id         INTEGER,
    outcome              TEXT CHECK (outcome IN ('reached', 'no_answer', 'follow_up', 'referred')),
    no_answers           INTEGER NOT NULL DEFAULT 0,
    note                 TEXT,
    -- How often the task was offered to the volunteers (1 at creation, +1 per
    -- release): part of the notifications' dedupe keys.
    round                INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    opened_at            TEXT NOT NULL,
    claimed_at           TEXT,
    closed_at            TEXT,
    unclaimed_alerted_at TEXT,
    purged_at            TEXT,
    CHECK (status <> 'claimed' OR volunteer_id IS NOT NULL),
    CHECK (status <> 'open' OR volunteer_id IS NULL)
);
-- One open request per resident, guaranteed by the store itself.
CREATE UNIQUE INDEX callback_tasks_one_open ON callback_tasks (resident_id)
    WHERE status IN ('open', 'claimed');
CREATE INDEX callback_tasks_resident ON callback_tasks (resident_id);
CREATE INDEX callback_tasks_volunteer ON callback_tasks (volunteer_id)
    WHERE volunteer_id IS NOT NULL;
CREATE INDEX callback_tasks_unclaimed ON callback_tasks (opened_at)
    WHERE status = 'open' AND unclaimed_alerted_at IS NULL;
CREATE INDEX callback_tasks_purge ON callback_tasks (closed_at)
    WHERE purged_at IS NULL AND closed_at IS NOT NULL;

-- A volunteer's profile; the role itself lives in roles.
CREATE TABLE volunteers (
    telegram_id INTEGER PRIMARY KEY,
    first_name  TEXT NOT NULL,
    languages   TEXT NOT NULL,  -- comma-separated language codes, e.g. 'nl,en'
    on_duty     INTEGER NOT NULL DEFAULT 0 CHECK (on_duty IN (0, 1)),
    joined_at   TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX volunteers_on_duty ON volunteers (telegram_id) WHERE on_duty = 1;

-- Single-use invite links; only the SHA-256 of the code is stored.
CREATE TABLE volunteer_invites (
    code_hash  TEXT PRIMARY KEY,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by    INTEGER,
    used_at    TEXT
) WITHOUT ROWID;
CREATE INDEX volunteer_invites_used_by ON volunteer_invites (used_by) WHERE used_by IS NOT NULL;

-- Residents who asked to become a volunteer; a coordinator decides.
CREATE TABLE volunteer_applications (
    id          INTEGER PRIMARY KEY,
    telegram_id INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'declined')),
    created_at  TEXT NOT NULL,
    decided_by  INTEGER,
    decided_at  TEXT
);
CREATE UNIQUE INDEX volunteer_applications_pending ON volunteer_applications (telegram_id)
    WHERE status = 'pending';
CREATE INDEX volunteer_applications_person ON volunteer_applications (telegram_id);
