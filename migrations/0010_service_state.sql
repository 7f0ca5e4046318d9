-- Small facts about the running service itself (never about people): the last health
-- probe's write, the last nightly backup, the webhook's secret when none is configured.
CREATE TABLE service_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
