from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings
from bot.logs import JsonFormatter


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_URL",
        "SAMEN_DATABASE",
        "SAMEN_TIMEZONE",
        "SAMEN_DEFAULT_LANGUAGE",
        "SAMEN_COORDINATORS",
        "SAMEN_MIN_COUNT",
        "SAMEN_SEND_LIMIT",
        "SAMEN_SEND_RATE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(str(tmp_path))  # no stray .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert settings.bot_api_file_url == "https://api.telegram.org/file/bot"
    assert str(settings.database) == "samen.sqlite3"
    assert settings.timezone == "Europe/Amsterdam"
    assert settings.default_language == "nl"
    assert settings.coordinators == frozenset()
    assert settings.min_count == 5
    assert settings.send_limit == 28.0


def test_values_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMEN_COORDINATORS", " 11, 22 ,33")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("SAMEN_DEFAULT_LANGUAGE", "EN")
    settings = load_settings()
    assert settings.coordinators == frozenset({11, 22, 33})
    assert settings.bot_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.default_language == "en"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SAMEN_COORDINATORS", "12,abc"),
        ("SAMEN_TIMEZONE", "Mars/Olympus"),
        ("SAMEN_DEFAULT_LANGUAGE", "fr"),
        ("TELEGRAM_API_URL", "api.telegram.org"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("SAMEN_MIN_COUNT", "0"),
        ("SAMEN_MIN_COUNT", "five"),
        ("SAMEN_SEND_LIMIT", "31"),
        ("SAMEN_SEND_LIMIT", "0"),
    ],
)
def test_bad_value_names_the_variable_in_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert name in message
    assert "\n" not in message


def test_env_file_is_read(tmp_path: object) -> None:
    from pathlib import Path

    Path(str(tmp_path), ".env").write_text("SAMEN_COORDINATORS=5\n")
    assert load_settings().coordinators == frozenset({5})


def test_cli_exits_non_zero_with_one_line_on_bad_config(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env={"SAMEN_TIMEZONE": "Nowhere/Else", "PATH": ""},
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SAMEN_TIMEZONE" in lines[0]


def test_cli_without_token_explains_and_exits_non_zero(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env={"PATH": ""},
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "@BotFather" in result.stderr
    assert "emulator" in result.stderr


def test_cli_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.startswith("samen ")


def test_callback_regions_default_to_nl_and_read_a_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMEN_CALL_REGIONS", raising=False)
    assert load_settings().call_regions == ("NL",)
    monkeypatch.setenv("SAMEN_CALL_REGIONS", " nl, be ,NL")
    assert load_settings().call_regions == ("NL", "BE")


@pytest.mark.parametrize("value", ["NL,XX", "Netherlands", " , ", "NL;BE"])
def test_bad_callback_regions_are_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SAMEN_CALL_REGIONS", value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("Configuration error: SAMEN_CALL_REGIONS must be country codes")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "SAMEN_LOG_FORMAT",
            "xml",
            "Configuration error: SAMEN_LOG_FORMAT must be 'text' or 'json'.",
        ),
        ("SAMEN_HTTP_PORT", "70000", "Configuration error: SAMEN_HTTP_PORT"),
        ("SAMEN_BACKUP_KEEP", "0", "Configuration error: SAMEN_BACKUP_KEEP"),
        # Telegram refuses a webhook on any other port than 443, 80, 88 or 8443.
        (
            "SAMEN_WEBHOOK_URL",
            "https://samen.example.nl:8080",
            "Configuration error: SAMEN_WEBHOOK_URL must use port 443, 80, 88 or 8443",
        ),
    ],
)
def test_operations_settings_are_checked(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert str(error.value).startswith(message)


def test_json_logs_are_one_object_per_line_with_the_error_kind() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "samen.test", logging.ERROR, __file__, 1, "update %s failed", (7,), None
        )
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "error"
    assert entry["logger"] == "samen.test"
    assert entry["message"] == "update 7 failed"
    assert entry["error"] == "ValueError"


def test_the_retired_send_rate_points_to_the_send_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """An old .env with SAMEN_SEND_RATE must not silently mean something else now."""
    monkeypatch.setenv("SAMEN_SEND_RATE", "25")
    with pytest.raises(ConfigError) as error:
        load_settings()
    message = str(error.value)
    assert message.startswith("Configuration error: SAMEN_SEND_RATE is no longer used")
    assert "SAMEN_SEND_LIMIT" in message
    assert "\n" not in message
