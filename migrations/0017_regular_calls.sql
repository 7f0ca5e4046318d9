-- A regular call with the same volunteer, every week (issue 17, "vaste belmaatje").
-- One row per resident who asked for one and has not ended it (ending deletes the row,
-- with its proposals and weeks: nothing is kept that is no longer needed).
CREATE TABLE regular_calls (
    id            INTEGER PRIMARY KEY,
    resident_id   INTEGER NOT NULL,
    days          INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),  -- 1 Monday ... 64 Sunday
    part          TEXT NOT NULL CHECK (part IN ('m', 'a', 'e')),     -- morning, afternoon, evening
    language      TEXT NOT NULL,
    interests     INTEGER NOT NULL DEFAULT 0,  -- bits of a fixed list (no typed text)
    phone         TEXT NOT NULL,               -- E.164; shown to the volunteer on the week's task
    -- waiting: nobody fits (the coordinators know); proposed: a volunteer is asked;
    -- matched: volunteer_id calls every week on weekday (0 Monday).
    status        TEXT NOT NULL CHECK (status IN ('waiting', 'proposed', 'matched')),
    volunteer_id  INTEGER,
    weekday       INTEGER CHECK (weekday BETWEEN 0 AND 6),
    paused_until  TEXT,               -- local date: no call before it (a holiday)
    missed_in_row INTEGER NOT NULL DEFAULT 0,
    missed_alerted_at  TEXT,          -- two missed weeks in a row: coordinators told once
    waiting_alerted_at TEXT,          -- nobody fits: coordinators told once
    created_at    TEXT NOT NULL,
    matched_at    TEXT,
    CHECK ((status = 'matched') = (volunteer_id IS NOT NULL)),
    CHECK ((volunteer_id IS NULL) = (weekday IS NULL))
);
CREATE UNIQUE INDEX regular_calls_resident ON regular_calls (resident_id);
CREATE INDEX regular_calls_volunteer ON regular_calls (volunteer_id)
    WHERE volunteer_id IS NOT NULL;

-- Who was asked to be the regular caller, and what came of it: a volunteer who
-- declined, let it expire or whose match ended is not asked again for this call.
CREATE TABLE regular_call_proposals (
    call_id      INTEGER NOT NULL REFERENCES regular_calls (id) ON DELETE CASCADE,
    volunteer_id INTEGER NOT NULL,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    proposed_at  TEXT NOT NULL,
    answer       TEXT CHECK (answer IN ('accepted', 'declined', 'expired', 'ended')),
    answered_at  TEXT,
    PRIMARY KEY (call_id, volunteer_id)
);
CREATE INDEX regular_call_proposals_volunteer ON regular_call_proposals (volunteer_id);

-- The schedule: one row per week a call was due, with the call task made for it
-- (call_requests, the desk's task) and what came of it, so a tick makes each week's
-- task once across restarts and missed weeks can be counted.
CREATE TABLE regular_call_weeks (
    call_id  INTEGER NOT NULL REFERENCES regular_calls (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,  -- local date of the call
    task_id  INTEGER REFERENCES call_requests (id) ON DELETE SET NULL,
    result   TEXT CHECK (result IN ('made', 'missed', 'cancelled')),
    PRIMARY KEY (call_id, day)
);

-- A week's call is a call task held by the matched volunteer from the start: the
-- desk's card, outcomes, notes and the clearing of the number all apply to it.
ALTER TABLE call_requests ADD COLUMN regular_call_id INTEGER;
-- A resident may ask for a one-off call while a weekly one is planned.
DROP INDEX call_requests_one_open;
CREATE UNIQUE INDEX call_requests_one_open ON call_requests (resident_id)
    WHERE status IN ('open', 'claimed') AND regular_call_id IS NULL;
