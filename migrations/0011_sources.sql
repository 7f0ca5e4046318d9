-- Where activities come from (issue 16): a name per partner file or feed, the
-- defaults that fill what its calendar rarely carries, and, for a feed (a URL),
-- what the last fetch brought. No personal data: partners' public calendars only.
CREATE TABLE sources (
    name            TEXT PRIMARY KEY,
    -- NULL: a file imported by hand (only its defaults live here).
    url             TEXT,
    -- JSON object of CSV column -> value (organiser, kind, place, address, phone, website).
    defaults        TEXT NOT NULL DEFAULT '{}',
    -- Conditional requests: what the server said last time a fetch was applied.
    etag            TEXT,
    last_modified   TEXT,
    checked_at      TEXT,
    -- One English line for `samen sources`: the counts, or why it was not applied.
    last_result     TEXT NOT NULL DEFAULT '',
    last_ok_at      TEXT,
    -- Activities in the last applied import: a much smaller feed is not applied.
    last_count      INTEGER,
    -- Set when coordinators were told about a failure; cleared by the next success,
    -- so they hear once per failure, not every interval.
    alerted_at      TEXT,
    created_at      TEXT NOT NULL
) WITHOUT ROWID;
