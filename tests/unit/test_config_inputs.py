"""Every setting, given a bad value as operators really type them, stops Samen with one
line that names it and says what to write instead (and `samen run` / `samen has-token`,
which `make run` calls first, exit non-zero)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

WHATSAPP = {
    "WHATSAPP_TOKEN": "EAAG-token",
    "WHATSAPP_PHONE_NUMBER_ID": "123456789012345",
    "WHATSAPP_APP_SECRET": "secret",
    "WHATSAPP_VERIFY_TOKEN": "verify",
}
DURATION = "must be a duration such as PT2H (2 hours), PT30M (30 minutes) or 02:00:00."


@pytest.fixture(autouse=True)
def no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("SAMEN_", "TELEGRAM_", "WHATSAPP_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


BAD_VALUES = [
    ({"TELEGRAM_BOT_TOKEN": "123456:ABC def"}, "TELEGRAM_BOT_TOKEN looks like '123456789:ABC"),
    ({"TELEGRAM_BOT_TOKEN": "123456:"}, "TELEGRAM_BOT_TOKEN looks like '123456789:ABC"),
    ({"TELEGRAM_BOT_TOKEN": '"123:abc"'}, "TELEGRAM_BOT_TOKEN looks like '123456789:ABC"),
    (
        {"TELEGRAM_API_URL": "https://"},
        "TELEGRAM_API_URL must be a web address starting with http:// or https://, such as"
        " https://api.telegram.org.",
    ),
    ({"TELEGRAM_API_URL": "http://api telegram.org"}, "TELEGRAM_API_URL must be a web address"),
    ({"SAMEN_TIMEZONE": ""}, "SAMEN_TIMEZONE is not a known time zone"),
    ({"SAMEN_COORDINATORS": "-1001234"}, "SAMEN_COORDINATORS must be Telegram user ids"),
    ({"SAMEN_SEND_LIMIT": "-1"}, "SAMEN_SEND_LIMIT should be greater than 0."),
    ({"SAMEN_SEND_LIMIT": "nan"}, "SAMEN_SEND_LIMIT must be a number."),
    ({"SAMEN_SEND_LIMIT": "snel"}, "SAMEN_SEND_LIMIT must be a number."),
    ({"SAMEN_REMINDER_LEAD": "2 uur"}, f"SAMEN_REMINDER_LEAD {DURATION}"),
    ({"SAMEN_REMINDER_LEAD": "-PT1H"}, "SAMEN_REMINDER_LEAD should be greater than 0 seconds."),
    ({"SAMEN_TASK_ESCALATE_AFTER": "7200"}, f"SAMEN_TASK_ESCALATE_AFTER {DURATION}"),
    ({"SAMEN_FEED_INTERVAL": "PT1M"}, "SAMEN_FEED_INTERVAL should be greater than or equal to"),
    ({"SAMEN_CHECKIN_GRACE": "-PT1H"}, "SAMEN_CHECKIN_GRACE should be greater than or equal"),
    ({"SAMEN_SAFETY_WINDOW": "drie uur"}, f"SAMEN_SAFETY_WINDOW {DURATION}"),
    ({"SAMEN_NUDGE_AFTER": "PT0S"}, "SAMEN_NUDGE_AFTER should be greater than 0 seconds."),
    ({"SAMEN_PHONE_RETENTION_DAYS": "-3"}, "SAMEN_PHONE_RETENTION_DAYS should be greater than"),
    ({"SAMEN_PHONE_RETENTION_DAYS": "30 dagen"}, "SAMEN_PHONE_RETENTION_DAYS must be a whole"),
    ({"SAMEN_DAYTIME": "21:00-08:00"}, "SAMEN_DAYTIME must look like '08:00-21:00'"),
    ({"SAMEN_QUIET_HOURS": "22"}, "SAMEN_QUIET_HOURS must look like '21:00-08:00'"),
    ({"SAMEN_CALL_REGIONS": "Nederland"}, "SAMEN_CALL_REGIONS must be country codes"),
    ({"SAMEN_PLAYGROUND_PORT": "0"}, "SAMEN_PLAYGROUND_PORT should be greater than or equal"),
    ({"SAMEN_SOCIAL_DESK_NAME": ""}, "SAMEN_SOCIAL_DESK_NAME should have at least 1 character"),
    ({"SAMEN_HTTP_PORT": "-1"}, "SAMEN_HTTP_PORT should be greater than or equal to 0."),
    ({"SAMEN_BACKUP_KEEP": "0"}, "SAMEN_BACKUP_KEEP should be greater than or equal to 1."),
    ({"SAMEN_MIN_COUNT": "vijf"}, "SAMEN_MIN_COUNT must be a whole number."),
    ({"SAMEN_WEBHOOK_URL": "samen.example.nl"}, "SAMEN_WEBHOOK_URL must be a web address"),
    ({"SAMEN_WEBHOOK_SECRET": "geheim"}, "SAMEN_WEBHOOK_SECRET must be 16 to 256 letters"),
    ({"SAMEN_DATABASE": ""}, "SAMEN_DATABASE must be a file such as ./samen.sqlite3."),
    ({**WHATSAPP, "WHATSAPP_APP_SECRET": " "}, "WhatsApp is half set up: also set"),
    (
        {**WHATSAPP, "WHATSAPP_PHONE_NUMBER_ID": "+31 6 12345678"},
        "WHATSAPP_PHONE_NUMBER_ID must be the phone number ID from Meta's WhatsApp API setup",
    ),
    ({**WHATSAPP, "SAMEN_HTTP_PORT": "0"}, "WhatsApp needs the HTTP server for its webhook"),
    ({"WHATSAPP_API_URL": "graph.facebook.com"}, "WHATSAPP_API_URL must be a web address"),
    ({"SAMEN_WHATSAPP_SEND_RATE": "inf"}, "SAMEN_WHATSAPP_SEND_RATE must be a number."),
    ({"WHATSAPP_DISPLAY_NUMBER": "06-1234"}, "WHATSAPP_DISPLAY_NUMBER must be the number with"),
]


@pytest.mark.parametrize(("env", "start"), BAD_VALUES)
def test_a_bad_setting_is_one_line_that_says_what_to_write(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], start: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"Configuration error: {start}")
    assert "\n" not in message and "Input should" not in message


def test_what_operators_write_for_good_values_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", " 123456789:AAH-x_y ")
    monkeypatch.setenv("SAMEN_REMINDER_LEAD", "02:00:00")
    monkeypatch.setenv("WHATSAPP_DISPLAY_NUMBER", "+31 6 1234 5678")
    settings = load_settings()
    assert settings.telegram_bot_token == "123456789:AAH-x_y"
    assert settings.reminder_lead.total_seconds() == 7200
    assert settings.whatsapp_display_number == "31612345678"


@pytest.mark.parametrize(
    ("setting", "make", "start"),
    [
        ("SAMEN_DATABASE", lambda tmp: tmp, "SAMEN_DATABASE is a folder; name a file in it"),
        (
            "SAMEN_DATABASE",
            lambda tmp: _file(tmp / "notes.txt", b"hello") / "samen.sqlite3",
            "SAMEN_DATABASE cannot be made: ",
        ),
        (
            "SAMEN_DATABASE",
            lambda tmp: _file(tmp / "samen.sqlite3", b"<html>not a database</html>"),
            "SAMEN_DATABASE is not a Samen database: ",
        ),
        (
            "SAMEN_BACKUP_DIR",
            lambda tmp: _file(tmp / "backups", b""),
            "SAMEN_BACKUP_DIR is a file, not a folder",
        ),
        (
            "SAMEN_BACKUP_DIR",
            lambda tmp: _file(tmp / "disk", b"") / "backups",
            "SAMEN_BACKUP_DIR cannot be made: ",
        ),
    ],
)
def test_files_and_folders_samen_cannot_use_are_named_at_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, setting: str, make: object, start: str
) -> None:
    assert callable(make)
    monkeypatch.setenv(setting, str(make(tmp_path)))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"Configuration error: {start}")


def test_usable_paths_are_taken(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SAMEN_DATABASE", str(tmp_path / "new" / "samen.sqlite3"))
    monkeypatch.setenv("SAMEN_BACKUP_DIR", str(tmp_path / "new" / "backups"))
    _file(tmp_path / "empty.sqlite3", b"")
    assert load_settings().backup_dir == tmp_path / "new" / "backups"
    monkeypatch.setenv("SAMEN_DATABASE", str(tmp_path / "empty.sqlite3"))
    assert load_settings().database == tmp_path / "empty.sqlite3"


def _file(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("command", ["run", "has-token"])
@pytest.mark.parametrize(
    ("env_file", "start"),
    [
        (b"TELEGRAM_BOT_TOKEN=123:abc\nSAMEN_SOCIAL_DESK_NAME=Caf\xe9\n", "the .env file is not"),
        (b"TELEGRAM_BOT_TOKEN=123:abc\nSAMEN_DATABASE=.\n", "SAMEN_DATABASE is a folder"),
        (b"TELEGRAM_BOT_TOKEN=123:abc\nSAMEN_SEND_LIMIT=-5\n", "SAMEN_SEND_LIMIT should be"),
    ],
)
def test_the_command_line_stops_with_that_one_line(
    tmp_path: Path, command: str, env_file: bytes, start: str
) -> None:
    (tmp_path / ".env").write_bytes(env_file)
    result = subprocess.run(
        [sys.executable, "-m", "bot", command],
        env={"PATH": ""},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"Configuration error: {start}")
