-- Who an activity is meant for (issue 16): everyone, young people (12-18), older
-- people or families. Residents by default see all but young people's activities.
-- Existing activities are for everyone until a partner's file or a coordinator says otherwise.
ALTER TABLE activities ADD COLUMN audience TEXT NOT NULL DEFAULT 'everyone'
    CHECK (audience IN ('everyone', 'youth', 'seniors', 'families'));
