-- Check-ins (issue 5). The database is the schedule: each subscriber's row
-- carries the UTC moment of their next check-in (next_due), kept current by the
-- tick, so finding what is due is one range scan over a partial index whatever
-- the number of residents.
CREATE TABLE checkin_subscriptions (
    telegram_id  INTEGER PRIMARY KEY,
    -- Days of the week as bits: 1 Monday, 2 Tuesday, ... 64 Sunday.
    days         INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
    -- Wall-clock time in SAMEN_TIMEZONE ('HH:MM'); NULL while being set up.
    local_time   TEXT CHECK (local_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    -- Local date ('YYYY-MM-DD'): no check-ins before it (a holiday).
    paused_until TEXT,
    safety_net   INTEGER NOT NULL DEFAULT 0 CHECK (safety_net IN (0, 1)),
    phone        TEXT,  -- E.164; only kept while the safety net is on
    next_due     TEXT,  -- UTC moment of the next check-in; NULL while being set up
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (safety_net = 0 OR phone IS NOT NULL),
    CHECK ((local_time IS NULL) = (next_due IS NULL))
);
CREATE INDEX checkin_subscriptions_due ON checkin_subscriptions (next_due)
    WHERE next_due IS NOT NULL;

-- One row per resident per scheduled slot, written in the same transaction as
-- the outbox message and the advance of next_due: the UNIQUE constraint is what
-- makes a check-in once-only across restarts and crashes.
CREATE TABLE checkin_sends (
    id          INTEGER PRIMARY KEY,
    telegram_id INTEGER NOT NULL,
    slot        TEXT NOT NULL,  -- the scheduled moment, UTC
    -- sent: queued for delivery; missed: Samen was down past the grace window;
    -- quiet: it would have arrived late, inside quiet hours.
    outcome     TEXT NOT NULL CHECK (outcome IN ('sent', 'missed', 'quiet')),
    created_at  TEXT NOT NULL,
    safety_net  INTEGER NOT NULL DEFAULT 0 CHECK (safety_net IN (0, 1)),
    mood        TEXT CHECK (mood IN ('good', 'okay', 'bad')),
    answered_at TEXT,
    -- What the safety net did with an unanswered check-in: task (a call-back task
    -- was made), existing (one was already open), dropped (nothing to do: the
    -- message never arrived, or the resident stopped messages or the safety net).
    escalation  TEXT CHECK (escalation IN ('task', 'existing', 'dropped')),
    task_id     INTEGER,
    escalated_at TEXT,
    UNIQUE (telegram_id, slot)
);
-- What the safety net watches: unanswered check-ins of people who opted in.
CREATE INDEX checkin_sends_watch ON checkin_sends (created_at)
    WHERE safety_net = 1 AND answered_at IS NULL AND escalation IS NULL AND outcome = 'sent';
CREATE INDEX checkin_sends_age ON checkin_sends (created_at);
