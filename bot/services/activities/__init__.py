"""Activities: the catalogue, its imports and feeds, schedules and reminders."""
