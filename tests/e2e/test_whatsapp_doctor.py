"""``samen doctor`` says whether WhatsApp is off, or whether Meta accepts its settings."""

from __future__ import annotations

from pathlib import Path

from bot.doctor import examine
from bot.emulator.server import EmulatorServer
from bot.emulator.whatsapp import WhatsAppEmulator
from tests.e2e.conftest import whatsapp_settings
from tests.e2e.harness import free_port, make_settings


async def test_doctor_checks_whatsapp(
    emulator: EmulatorServer, wa_emulator: WhatsAppEmulator, tmp_path: Path
) -> None:
    database = tmp_path / "samen.sqlite3"

    async def lines(**overrides: object) -> list[str]:
        settings = make_settings(emulator.url, database, **overrides)
        return [str(finding) for finding in await examine(settings)]

    assert "✓ WhatsApp: off (no WHATSAPP_* settings)" in await lines()
    on = whatsapp_settings(wa_emulator, free_port())
    assert "✓ WhatsApp: the token works for +31 85 000 0000; webhook path /whatsapp" in (
        await lines(**on)
    )
    refused = await lines(**{**on, "WHATSAPP_TOKEN": "not-the-token"})
    assert "✗ WhatsApp: Meta refused WHATSAPP_TOKEN or WHATSAPP_PHONE_NUMBER_ID (HTTP 401)" in (
        refused
    )
    nowhere = f"http://127.0.0.1:{free_port()}"
    gone = await lines(**{**on, "WHATSAPP_API_URL": nowhere})
    assert f"✗ cannot reach {nowhere}: ConnectError" in gone
