-- Ids that leave the database are never handed out twice (issue 10).
--
-- Without AUTOINCREMENT, SQLite gives a new row max(id) + 1, so after "Delete
-- everything" removed the newest rows their ids came back for other people,
-- while outbox dedupe keys and refs (task:<id>:…, application:<id>:…,
-- broadcast:<id>:…, reminder:<id>), buttons, audit details and logs still
-- named the old rows: new messages were swallowed as duplicates and old buttons
-- acted on someone else's row. Each table whose ids go out is rebuilt with
-- AUTOINCREMENT (create, copy, drop, rename, indexes again; no other table has
-- a foreign key to them, the outbox only to itself), and its sequence starts
-- above every id that already went out, also those of rows erased before now.

-- ---------------------------------------------------------------- callback_tasks
CREATE TABLE callback_tasks_new (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO callback_tasks_new (id, resident_id, language, phone, moment_start, moment_end,
    topic, status, volunteer_id, outcome, no_answers, note, round, created_at, opened_at,
    claimed_at, closed_at, unclaimed_alerted_at, purged_at)
SELECT id, resident_id, language, phone, moment_start, moment_end,
    topic, status, volunteer_id, outcome, no_answers, note, round, created_at, opened_at,
    claimed_at, closed_at, unclaimed_alerted_at, purged_at
FROM callback_tasks;
DROP TABLE callback_tasks;
ALTER TABLE callback_tasks_new RENAME TO callback_tasks;
CREATE UNIQUE INDEX callback_tasks_one_open ON callback_tasks (resident_id)
    WHERE status IN ('open', 'claimed');
CREATE INDEX callback_tasks_resident ON callback_tasks (resident_id);
CREATE INDEX callback_tasks_volunteer ON callback_tasks (volunteer_id)
    WHERE volunteer_id IS NOT NULL;
CREATE INDEX callback_tasks_unclaimed ON callback_tasks (opened_at)
    WHERE status = 'open' AND unclaimed_alerted_at IS NULL;
CREATE INDEX callback_tasks_purge ON callback_tasks (closed_at)
    WHERE purged_at IS NULL AND closed_at IS NOT NULL;

-- ---------------------------------------------------------------- volunteer_applications
CREATE TABLE volunteer_applications_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    telegram_id INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'declined')),
    created_at  TEXT NOT NULL,
    decided_by  INTEGER,
    decided_at  TEXT
);
INSERT INTO volunteer_applications_new (id, telegram_id, status, created_at, decided_by,
    decided_at)
SELECT id, telegram_id, status, created_at, decided_by, decided_at FROM volunteer_applications;
DROP TABLE volunteer_applications;
ALTER TABLE volunteer_applications_new RENAME TO volunteer_applications;
CREATE UNIQUE INDEX volunteer_applications_pending ON volunteer_applications (telegram_id)
    WHERE status = 'pending';
CREATE INDEX volunteer_applications_person ON volunteer_applications (telegram_id);

-- ---------------------------------------------------------------- broadcasts
CREATE TABLE broadcasts_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO broadcasts_new (id, author_id, language, text, photo_file_id, audience, status,
    send_at, recipients, progress_outbox_id, progress_shown, created_at, queued_at, finished_at)
SELECT id, author_id, language, text, photo_file_id, audience, status,
    send_at, recipients, progress_outbox_id, progress_shown, created_at, queued_at, finished_at
FROM broadcasts;
DROP TABLE broadcasts;
ALTER TABLE broadcasts_new RENAME TO broadcasts;
CREATE INDEX broadcasts_due ON broadcasts (send_at) WHERE status = 'scheduled';
CREATE INDEX broadcasts_sending ON broadcasts (status) WHERE status = 'sending';
CREATE INDEX broadcasts_author ON broadcasts (author_id);

-- ---------------------------------------------------------------- activity_reminders
CREATE TABLE activity_reminders_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    telegram_id INTEGER NOT NULL,
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    starts_at   TEXT NOT NULL,
    remind_at   TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'cancelled', 'skipped')),
    created_at  TEXT NOT NULL,
    UNIQUE (telegram_id, activity_id, starts_at)
);
INSERT INTO activity_reminders_new (id, telegram_id, activity_id, starts_at, remind_at, status,
    created_at)
SELECT id, telegram_id, activity_id, starts_at, remind_at, status, created_at
FROM activity_reminders;
DROP TABLE activity_reminders;
ALTER TABLE activity_reminders_new RENAME TO activity_reminders;
CREATE INDEX activity_reminders_due ON activity_reminders (remind_at) WHERE status = 'pending';
CREATE INDEX activity_reminders_person ON activity_reminders (telegram_id, status);

-- ---------------------------------------------------------------- outbox
-- Its ids are in logs and in edits' dedupe keys, and the messenger records an
-- outcome by id: a reused id would mark someone else's new message as sent.
-- The new table refers to itself by its new name; the rename carries that along
-- (referring to "outbox" would make dropping the old table cascade into it).
CREATE TABLE outbox_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_id INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 1,  -- 0 urgent, 1 normal, 2 bulk (broadcasts)
    ref          TEXT,
    dedupe_key   TEXT UNIQUE,
    edit_of      INTEGER REFERENCES outbox_new (id) ON DELETE CASCADE,
    payload      TEXT NOT NULL,
    not_before   TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    message_id   INTEGER,
    error        TEXT,
    created_at   TEXT NOT NULL,
    sent_at      TEXT
);
INSERT INTO outbox_new (id, recipient_id, kind, priority, ref, dedupe_key, edit_of, payload,
    not_before, status, attempts, message_id, error, created_at, sent_at)
SELECT id, recipient_id, kind, priority, ref, dedupe_key, edit_of, payload,
    not_before, status, attempts, message_id, error, created_at, sent_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (priority, not_before, id) WHERE status = 'pending';
CREATE INDEX outbox_ref ON outbox (ref, status);
CREATE INDEX outbox_recipient ON outbox (recipient_id);

-- Failed messages keep no text either (they can name people), like delivered ones.
UPDATE outbox SET payload = '{"text":"","buttons":[],"photo":null}' WHERE status = 'failed';

-- ---------------------------------------------------------------- audit details
-- "invite <n>" held the last rowid of the connection (a WITHOUT ROWID table has
-- none), e.g. a resident's Telegram id; it names no invite, so it goes.
UPDATE audit_log SET detail = 'invite' WHERE action = 'invite.created';

-- ---------------------------------------------------------------- the sequences
-- CAST takes the longest leading integer, so 'task:12:r1:offer:5' after its
-- prefix gives 12. Rows erased earlier left their ids here, if anywhere.
DELETE FROM sqlite_sequence WHERE name IN
    ('callback_tasks', 'volunteer_applications', 'broadcasts', 'activity_reminders', 'outbox');
WITH seen (name, id) AS (
    SELECT 'callback_tasks', MAX(id) FROM callback_tasks
    UNION ALL SELECT 'callback_tasks', MAX(task_id) FROM checkin_sends
    UNION ALL SELECT 'callback_tasks', CAST(substr(dedupe_key, 6) AS INTEGER) FROM outbox
        WHERE dedupe_key LIKE 'task:%'
    UNION ALL SELECT 'callback_tasks', CAST(substr(ref, 6) AS INTEGER) FROM outbox
        WHERE ref LIKE 'task:%'
    UNION ALL SELECT 'volunteer_applications', MAX(id) FROM volunteer_applications
    UNION ALL SELECT 'volunteer_applications', CAST(substr(dedupe_key, 13) AS INTEGER) FROM outbox
        WHERE dedupe_key LIKE 'application:%'
    UNION ALL SELECT 'volunteer_applications', CAST(substr(ref, 13) AS INTEGER) FROM outbox
        WHERE ref LIKE 'application:%'
    UNION ALL SELECT 'broadcasts', MAX(id) FROM broadcasts
    UNION ALL SELECT 'broadcasts', CAST(substr(dedupe_key, 11) AS INTEGER) FROM outbox
        WHERE dedupe_key LIKE 'broadcast:%'
    UNION ALL SELECT 'broadcasts', CAST(substr(ref, 11) AS INTEGER) FROM outbox
        WHERE ref LIKE 'broadcast:%'
    UNION ALL SELECT 'broadcasts', CAST(substr(detail, 11) AS INTEGER) FROM audit_log
        WHERE action LIKE 'broadcast.%' AND detail LIKE 'broadcast %'
    UNION ALL SELECT 'activity_reminders', MAX(id) FROM activity_reminders
    UNION ALL SELECT 'activity_reminders', CAST(substr(dedupe_key, 10) AS INTEGER) FROM outbox
        WHERE dedupe_key LIKE 'reminder:%'
    UNION ALL SELECT 'outbox', MAX(id) FROM outbox
    UNION ALL SELECT 'outbox', MAX(progress_outbox_id) FROM broadcasts
    UNION ALL SELECT 'outbox', CAST(substr(dedupe_key, instr(dedupe_key, ':settle:') + 8)
        AS INTEGER) FROM outbox WHERE dedupe_key LIKE '%:settle:%'
    UNION ALL SELECT 'outbox', CAST(substr(dedupe_key, instr(dedupe_key, ':settled:') + 9)
        AS INTEGER) FROM outbox WHERE dedupe_key LIKE '%:settled:%'
)
INSERT INTO sqlite_sequence (name, seq)
SELECT name, COALESCE(MAX(id), 0) FROM seen GROUP BY name;
