-- PTB's ConversationHandler and its persistence are gone (every journey is on the
-- conversation layer; its open question lives in open_questions): nothing writes
-- the conversations table any more, so it goes, with its index.
DROP INDEX IF EXISTS conversations_user;
DROP TABLE IF EXISTS conversations;
