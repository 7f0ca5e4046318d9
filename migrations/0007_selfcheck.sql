-- The optional monthly self-check (issue 5): the 6-item De Jong Gierveld
-- loneliness scale. This is health data, so it has its own consent (version and
-- time), and everything here is deleted when the resident stops or erases.

-- One row per resident who agreed to the self-check. ``next_due`` is the UTC
-- moment of the next monthly invitation (the database is the schedule).
CREATE TABLE selfcheck_subscriptions (
    telegram_id     INTEGER PRIMARY KEY,
    consent_version INTEGER NOT NULL,
    consent_at      TEXT NOT NULL,
    -- Day of the month (local) the invitation comes; at most 28, so every month has it.
    day             INTEGER NOT NULL CHECK (day BETWEEN 1 AND 28),
    next_due        TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX selfcheck_subscriptions_due ON selfcheck_subscriptions (next_due);

-- One self-check per resident per local month (UNIQUE: never two in a month).
-- ``answers`` grows one letter per question (y yes, m more or less, n no), so a
-- restart halfway loses nothing; ``score`` is set when all six are answered.
CREATE TABLE selfcheck_rounds (
    id          INTEGER PRIMARY KEY,
    telegram_id INTEGER NOT NULL,
    month       TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    status      TEXT NOT NULL CHECK (status IN ('invited', 'declined', 'started', 'done')),
    answers     TEXT NOT NULL DEFAULT '' CHECK (length(answers) <= 6
                AND answers NOT GLOB '*[^ymn]*'),
    score       INTEGER CHECK (score BETWEEN 0 AND 6),
    -- Telegram's id of the question now on screen (its buttons are taken off on a typed answer).
    message_id  INTEGER,
    created_at  TEXT NOT NULL,
    finished_at TEXT,
    UNIQUE (telegram_id, month),
    CHECK ((status = 'done') = (score IS NOT NULL))
);
CREATE INDEX selfcheck_rounds_age ON selfcheck_rounds (created_at);
