-- Messages in volunteers' chats that show a resident's name and phone number
-- (a call-back task's details, answered to a button press). They are kept so
-- those messages can be edited to take the name and number out when the
-- request is cancelled, withdrawn by erasure, given back, or purged after
-- SAMEN_PHONE_RETENTION_DAYS. A row goes when its message has been cleared.
CREATE TABLE callback_task_messages (
    task_id    INTEGER NOT NULL,
    chat_id    INTEGER NOT NULL,  -- the volunteer
    message_id INTEGER NOT NULL,
    shown_at   TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
) WITHOUT ROWID;
CREATE INDEX callback_task_messages_task ON callback_task_messages (task_id);

-- An outbox row may edit a message that was not sent through the outbox (such
-- as the task details above): it then names Telegram's message id itself.
ALTER TABLE outbox ADD COLUMN edit_message_id INTEGER;

-- Each volunteer's latest /tasks list (one message), edited whenever tasks change
-- so it never offers a task that was already taken. content: what it shows now.
CREATE TABLE callback_task_lists (
    chat_id    INTEGER PRIMARY KEY,  -- the volunteer
    message_id INTEGER NOT NULL,
    content    TEXT NOT NULL,
    shown_at   TEXT NOT NULL
);
