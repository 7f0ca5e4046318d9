-- WhatsApp (issue 15): people reached through the WhatsApp Business Cloud API.
--
-- Services key people on an integer id (the Telegram user id). A WhatsApp person gets
-- an id of their own, below -(2^52): Telegram's user and chat ids have at most 52
-- significant bits, so the two can never collide. The business-scoped user id (BSUID)
-- Meta sends is the key; the phone number only when Meta shows it.
CREATE TABLE whatsapp_people (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- the person's id is -(2^52) - seq
    resident_id     INTEGER NOT NULL UNIQUE,
    bsuid           TEXT NOT NULL UNIQUE,
    wa_id           TEXT,             -- the phone number, when Meta shows it
    last_inbound_at TEXT,             -- the person's last message: the 24-hour window
    opted_in_at     TEXT,             -- explicit yes to messages Samen starts (templates)
    opt_in_asked_at TEXT,             -- when Samen asked (once, after consent)
    created_at      TEXT NOT NULL
);

-- Incoming message ids already handled, so a message Meta delivers twice is handled
-- once. Opaque ids without a person; forgotten after a week.
CREATE TABLE whatsapp_inbound (
    message_id  TEXT PRIMARY KEY,
    received_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX whatsapp_inbound_age ON whatsapp_inbound (received_at);

-- What WhatsApp says happened to a message the outbox sent: its message id (a string,
-- unlike Telegram's) and the last status (sent, delivered, read, failed).
ALTER TABLE outbox ADD COLUMN channel_message_id TEXT;
ALTER TABLE outbox ADD COLUMN delivery TEXT;
CREATE INDEX outbox_channel_message ON outbox (channel_message_id)
    WHERE channel_message_id IS NOT NULL;
