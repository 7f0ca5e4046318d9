"""The activities journey: search, details, reminders, and editing by coordinators."""
