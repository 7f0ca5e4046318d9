-- Samen, first schema. Times are UTC ISO 8601 text ('YYYY-MM-DDTHH:MM:SSZ').
-- Personal data lives only in tables that bot/services/privacy.py knows how to
-- export and erase; anonymous counts live in daily_counts.

-- A resident exists only after consent: nothing personal is stored before it.
CREATE TABLE residents (
    telegram_id     INTEGER PRIMARY KEY,
    first_name      TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL CHECK (language IN ('nl', 'en')),
    consent_version INTEGER NOT NULL,
    consent_at      TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'stopped', 'unreachable')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX residents_status ON residents (status);

-- Extra roles on top of "resident". Coordinators named in SAMEN_COORDINATORS are
-- kept in sync at start-up (source 'config'); others are granted in the bot.
CREATE TABLE roles (
    telegram_id INTEGER NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('volunteer', 'coordinator')),
    source      TEXT NOT NULL CHECK (source IN ('config', 'bot')),
    granted_at  TEXT NOT NULL,
    granted_by  INTEGER,
    PRIMARY KEY (telegram_id, role)
) WITHOUT ROWID;

-- ConversationHandler states, so a restart mid-conversation strands nobody.
CREATE TABLE conversations (
    name        TEXT NOT NULL,
    key         TEXT NOT NULL,
    telegram_id INTEGER,
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (name, key)
) WITHOUT ROWID;
CREATE INDEX conversations_user ON conversations (telegram_id);

-- Anonymous counts per day (no person in them), for the numbers.
CREATE TABLE daily_counts (
    day    TEXT NOT NULL,
    metric TEXT NOT NULL,
    count  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, metric)
) WITHOUT ROWID;

-- Group chats the bot has told, once, that it only works in private chats.
-- A group id is not a person, so this is not personal data.
CREATE TABLE quiet_chats (
    chat_id    INTEGER PRIMARY KEY,
    noticed_at TEXT NOT NULL
);
