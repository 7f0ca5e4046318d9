"""Volunteers: the task desk, profiles, invite links and their administration."""
