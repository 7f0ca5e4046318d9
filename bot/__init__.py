"""Samen: a chat bot against loneliness for the residents of Heemstede."""

__version__ = "0.1.0"
