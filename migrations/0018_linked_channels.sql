-- One resident on two apps (issue 15): a resident on Telegram links WhatsApp, or the
-- other way round, with a one-time code made in one app and sent in the other.
--
-- A linked resident keeps one id, their Telegram id (the Telegram adapter keys people
-- on it); their WhatsApp account points at it (whatsapp_people.resident_id).
-- The code's hash only; single use, valid 15 minutes.
CREATE TABLE link_codes (
    code_hash   TEXT PRIMARY KEY,
    resident_id INTEGER NOT NULL,     -- who made it, in the app they made it in
    expires_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX link_codes_resident ON link_codes (resident_id);

-- Where a linked resident wrote last ('telegram' or 'whatsapp'): messages Samen starts
-- go there. NULL for everyone on one app (their id says where they are).
ALTER TABLE residents ADD COLUMN last_channel TEXT;
