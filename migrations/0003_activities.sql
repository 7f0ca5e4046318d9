-- Activities nearby (issue 3): what the coalition partners organise, where and when.
-- Times of occurrences and reminders are UTC ISO text; the schedule itself is kept
-- in local wall time plus a zone, so "Tuesday 10:00" stays 10:00 across DST.

CREATE TABLE activities (
    id             INTEGER PRIMARY KEY,
    -- Where it came from: an import source name, or 'bot' for activities added in chat.
    source         TEXT NOT NULL,
    external_id    TEXT NOT NULL,
    title_nl       TEXT NOT NULL,
    title_en       TEXT NOT NULL DEFAULT '',
    description_nl TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    organiser      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    place_name     TEXT NOT NULL,
    address        TEXT NOT NULL DEFAULT '',
    lat            REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon            REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    -- Schedule: first start in local wall time ('YYYY-MM-DDTHH:MM', or 'YYYY-MM-DD'
    -- when all_day), the zone it is in, its length, an RFC 5545 RRULE or NULL for a
    -- one-off, and extra/left-out dates (space-separated, same form as start_local).
    tz             TEXT NOT NULL,
    start_local    TEXT NOT NULL,
    all_day        INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
    duration_min   INTEGER NOT NULL CHECK (duration_min > 0),
    rrule          TEXT,
    exdates        TEXT NOT NULL DEFAULT '',
    rdates         TEXT NOT NULL DEFAULT '',
    free           INTEGER NOT NULL DEFAULT 1 CHECK (free IN (0, 1)),
    price          TEXT NOT NULL DEFAULT '',
    wheelchair     INTEGER NOT NULL DEFAULT 0 CHECK (wheelchair IN (0, 1)),
    hearing_loop   INTEGER NOT NULL DEFAULT 0 CHECK (hearing_loop IN (0, 1)),
    phone          TEXT NOT NULL DEFAULT '',
    website        TEXT NOT NULL DEFAULT '',
    -- NULL: shown. 'source': the import file no longer has it (a later import that
    -- has it again shows it again). 'coordinator': hidden in chat; imports leave that be.
    hidden_by      TEXT CHECK (hidden_by IN ('source', 'coordinator')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (source, external_id)
);
-- The bounding-box prefilter of a search: a range on lat, then lon, shown ones only
-- (with the kind first when the resident chose one).
CREATE INDEX activities_place ON activities (lat, lon) WHERE hidden_by IS NULL;
CREATE INDEX activities_kind_place ON activities (kind, lat, lon) WHERE hidden_by IS NULL;

-- The next weeks of every activity, materialised so a search is plain indexed SQL.
-- Rebuilt by the scheduler and after every change; never edited by hand.
CREATE TABLE activity_occurrences (
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    PRIMARY KEY (activity_id, starts_at)
) WITHOUT ROWID;
CREATE INDEX activity_occurrences_start ON activity_occurrences (starts_at);

-- "Remind me": one row per person and occurrence; the scheduler sends due ones
-- through the outbox (dedupe key reminder:<id>), so a restart repeats nothing.
CREATE TABLE activity_reminders (
    id          INTEGER PRIMARY KEY,
    telegram_id INTEGER NOT NULL,
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    starts_at   TEXT NOT NULL,
    remind_at   TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'cancelled', 'skipped')),
    created_at  TEXT NOT NULL,
    UNIQUE (telegram_id, activity_id, starts_at)
);
CREATE INDEX activity_reminders_due ON activity_reminders (remind_at) WHERE status = 'pending';
CREATE INDEX activity_reminders_person ON activity_reminders (telegram_id, status);

-- Who changed which activity, and when (coordinators in chat, imports from files).
-- changed_by is a coordinator's Telegram id, NULL for an import.
CREATE TABLE activity_changes (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    changed_by  INTEGER,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    changed_at  TEXT NOT NULL
);
CREATE INDEX activity_changes_activity ON activity_changes (activity_id, changed_at);
CREATE INDEX activity_changes_person ON activity_changes (changed_by);

-- A coordinator's half-finished "add an activity" conversation, so a restart in the
-- middle loses no answers. Deleted when the activity is saved or the talk is cancelled.
CREATE TABLE activity_drafts (
    telegram_id INTEGER PRIMARY KEY,
    data        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
