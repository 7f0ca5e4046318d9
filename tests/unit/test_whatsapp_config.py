"""WhatsApp's settings: all or nothing, one clear line when half set, off by default."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings

FULL = {
    "WHATSAPP_TOKEN": "EAAB-token",
    "WHATSAPP_PHONE_NUMBER_ID": "100000000000001",
    "WHATSAPP_APP_SECRET": "app-secret",
    "WHATSAPP_VERIFY_TOKEN": "verify-me",
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in (*FULL, "WHATSAPP_API_URL", "SAMEN_WHATSAPP_SEND_RATE", "SAMEN_HTTP_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(str(tmp_path))


def test_off_by_default_and_on_when_all_four_are_set(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert not settings.whatsapp_enabled and settings.whatsapp_send_rate == 60
    assert settings.whatsapp_api_url == "https://graph.facebook.com"
    for name, value in FULL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WHATSAPP_API_URL", "http://127.0.0.1:9999/")
    monkeypatch.setenv("SAMEN_WHATSAPP_SEND_RATE", "20")
    settings = load_settings()
    assert settings.whatsapp_enabled and settings.whatsapp_send_rate == 20
    assert settings.whatsapp_api_url == "http://127.0.0.1:9999"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"WHATSAPP_TOKEN": "x"}, "WHATSAPP_APP_SECRET"),
        ({**FULL, "WHATSAPP_VERIFY_TOKEN": " "}, "WHATSAPP_VERIFY_TOKEN"),
        ({**FULL, "SAMEN_HTTP_PORT": "0"}, "SAMEN_HTTP_PORT"),
        ({**FULL, "WHATSAPP_API_URL": "graph.facebook.com"}, "WHATSAPP_API_URL"),
        ({"SAMEN_WHATSAPP_SEND_RATE": "0"}, "SAMEN_WHATSAPP_SEND_RATE"),
    ],
)
def test_half_set_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=named):
        load_settings()


def test_cli_exits_non_zero_with_one_line_when_half_set(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env={"WHATSAPP_TOKEN": "x", "PATH": ""},
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "WHATSAPP_PHONE_NUMBER_ID" in result.stderr
