-- The outbox: every message Samen sends on its own initiative (task alerts,
-- reminders, check-ins, broadcasts) is a row here first, written in the same
-- transaction as the change that causes it. bot/messenger.py delivers the rows
-- at the configured pace, so a restart or crash loses nothing; only rows that
-- were in flight ('sending') at a crash can be sent twice.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 1,  -- 0 urgent, 1 normal, 2 bulk (broadcasts)
    ref          TEXT,
    dedupe_key   TEXT UNIQUE,
    edit_of      INTEGER REFERENCES outbox (id) ON DELETE CASCADE,
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
CREATE INDEX outbox_due ON outbox (priority, not_before, id) WHERE status = 'pending';
CREATE INDEX outbox_ref ON outbox (ref, status);
CREATE INDEX outbox_recipient ON outbox (recipient_id);
