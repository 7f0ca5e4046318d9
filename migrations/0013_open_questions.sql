-- The question Samen left open for a person (the conversation layer, bot/chat/questions.py):
-- at most one per person and channel, so a typed answer finds its question after a restart
-- too. Rows older than the conversation timeout count as gone and are deleted on the way.
CREATE TABLE open_questions (
    channel TEXT NOT NULL,
    person_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    data TEXT NOT NULL,  -- JSON object of short values (ids, a step), never typed text
    asked_at TEXT NOT NULL,
    PRIMARY KEY (channel, person_id)
) WITHOUT ROWID;
CREATE INDEX open_questions_person ON open_questions (person_id);
