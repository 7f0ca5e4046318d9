"""Checks of configuration values that need more than a type: the files and folders
named, web addresses, and the words of a problem.

A database or backup folder Samen cannot write is otherwise found only by a
traceback at start, or (the backups) silently at 03:00; these checks say it at
once, in one line, as every other bad setting. ``ValueError`` carries the line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

_SQLITE_HEADER = b"SQLite format 3\x00"


def check_database_path(path: Path) -> None:
    """The database file: a file (or one that can be made) this user can read and write."""
    if path.is_dir():
        raise ValueError(f"is a folder; name a file in it, such as {path / 'samen.sqlite3'}")
    if path.exists():
        if not os.access(path, os.R_OK | os.W_OK):
            raise ValueError(f"cannot be read and written by this user ({path})")
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
        if header and header != _SQLITE_HEADER:
            raise ValueError(
                f"is not a Samen database: {path} is not an SQLite file (move it away; then"
                " Samen starts a new one, or `samen restore` puts a backup in its place)"
            )
        return
    _check_can_create(path.parent)


def check_folder_path(path: Path) -> None:
    """A folder Samen writes into: a folder, or one that can be made, writable by this user."""
    if path.exists():
        if not path.is_dir():
            raise ValueError(f"is a file, not a folder ({path})")
        if not os.access(path, os.W_OK | os.X_OK):
            raise ValueError(f"cannot be written by this user ({path})")
        return
    _check_can_create(path)


def _check_can_create(path: Path) -> None:
    """``path`` exists as a folder, or its nearest existing parent is a writable folder."""
    existing = path.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ValueError(f"cannot be made: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"cannot be made: {existing} cannot be written by this user")


def is_web_address(value: str, schemes: tuple[str, ...]) -> bool:
    """An absolute URL with one of ``schemes`` and a host, without spaces."""
    parts = urlsplit(value)
    return parts.scheme in schemes and bool(parts.hostname) and not re.search(r"\s", value)


# Pydantic's own wording for a few kinds of problem, in the words an operator needs.
_DURATION = "must be a duration such as PT2H (2 hours), PT30M (30 minutes) or 02:00:00"
_PLAIN_MESSAGES = {
    "time_delta_parsing": _DURATION,
    "time_delta_type": _DURATION,
    "int_parsing": "must be a whole number",
    "float_parsing": "must be a number",
    "finite_number": "must be a number",
}


def plain_message(kind: str, message: str) -> str:
    """One clause after the variable's name: 'must be …' or 'should be …'."""
    if kind in _PLAIN_MESSAGES:
        return _PLAIN_MESSAGES[kind]
    return (
        message.removeprefix("Value error, ")
        .replace("Input should", "should", 1)
        .replace("String should", "should", 1)
    )
