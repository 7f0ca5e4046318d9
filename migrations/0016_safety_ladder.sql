-- The safety net climbs (issue 17): a nudge, a volunteer's call, the resident's own
-- emergency contact, the coordinators. Each step a check-in reached is one row, so a
-- step happens once across restarts (UNIQUE) and the resident's history shows it.
-- Rows go with their check-in (ON DELETE CASCADE: purge after 90 days, erasure).
CREATE TABLE safety_steps (
    id          INTEGER PRIMARY KEY,
    send_id     INTEGER NOT NULL REFERENCES checkin_sends (id) ON DELETE CASCADE,
    telegram_id INTEGER NOT NULL,  -- the resident (for export and erasure)
    -- nudge: a gentle second message; task: a volunteer call task; contact: the
    -- emergency contact was told; coordinators: the coordinators were alerted;
    -- well / look: the contact answered "all is well" / "I will go and look";
    -- answered: the resident answered after all, and the contact was told so.
    step        TEXT NOT NULL CHECK (step IN
        ('nudge', 'task', 'contact', 'coordinators', 'well', 'look', 'answered')),
    reached_at  TEXT NOT NULL,
    UNIQUE (send_id, step)
);

-- A person the resident named, who confirmed by opening the invite link the
-- resident forwarded to them. Until then contact_id is NULL and the step is skipped.
CREATE TABLE emergency_contacts (
    resident_id  INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,          -- what the resident calls them ("my daughter Els")
    invite_code  TEXT NOT NULL UNIQUE,
    contact_id   INTEGER,                -- their chat id, once they confirmed
    contact_language TEXT,               -- the language they read Samen in
    invited_at   TEXT NOT NULL,
    confirmed_at TEXT,
    CHECK ((contact_id IS NULL) = (confirmed_at IS NULL))
);
CREATE INDEX emergency_contacts_contact ON emergency_contacts (contact_id)
    WHERE contact_id IS NOT NULL;

-- Volunteer availability (issue 17): the days and hours a volunteer can call, and a
-- holiday pause. No row: available whenever on duty (as before). Call tasks are
-- offered only to volunteers whose hours overlap the part of the day the resident chose.
CREATE TABLE volunteer_availability (
    telegram_id  INTEGER PRIMARY KEY REFERENCES volunteers (telegram_id) ON DELETE CASCADE,
    -- Days of the week as bits: 1 Monday, 2 Tuesday, ... 64 Sunday.
    days         INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
    from_time    TEXT NOT NULL CHECK (from_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    until_time   TEXT NOT NULL CHECK (until_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    paused_until TEXT,  -- local date: no tasks before it (a holiday)
    updated_at   TEXT NOT NULL,
    CHECK (from_time < until_time)
);
