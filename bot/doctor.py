"""``samen doctor``: the checks an operator runs before going live, one line each.

Every check says what it saw; a problem line starts with ``✗`` and makes the command exit
non-zero, so it can gate a deployment script.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import phonenumbers
from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError

from bot.backup import newest_backup
from bot.channels.whatsapp.graph import GraphRefused, GraphSender
from bot.clock import Clock, utc_now
from bot.config import Settings

# A nightly backup older than this means the night job did not run.
BACKUP_TOO_OLD = timedelta(hours=36)


@dataclass(frozen=True)
class Finding:
    ok: bool
    line: str

    def __str__(self) -> str:
        return ("✓ " if self.ok else "✗ ") + self.line


async def examine(settings: Settings, clock: Clock = utc_now) -> list[Finding]:
    findings = [*await _telegram(settings), await _whatsapp(settings)]
    findings += [_desk(settings), _database(settings)]
    findings.append(_backups(settings, clock()))
    return findings


async def _telegram(settings: Settings) -> list[Finding]:
    """Token valid (getMe) and every configured coordinator has a chat with the bot."""
    if not settings.telegram_bot_token:
        return [Finding(False, "TELEGRAM_BOT_TOKEN is empty")]
    bot = Bot(
        settings.telegram_bot_token,
        base_url=settings.bot_api_base_url,
        base_file_url=settings.bot_api_file_url,
    )
    try:
        async with bot:
            me = await bot.get_me()
            findings = [Finding(True, f"Telegram: the token works, the bot is @{me.username}")]
            if not settings.coordinators:
                findings.append(
                    Finding(False, "SAMEN_COORDINATORS is empty: nobody can run Samen's desk")
                )
            for coordinator in sorted(settings.coordinators):
                findings.append(await _coordinator(bot, coordinator))
            if settings.webhook_url:
                findings.append(await _webhook(bot, settings.webhook_url))
            return findings
    except InvalidToken:
        return [Finding(False, "Telegram refused TELEGRAM_BOT_TOKEN; copy it from @BotFather")]
    except NetworkError as error:
        return [Finding(False, f"cannot reach {settings.telegram_api_url}: {type(error).__name__}")]


async def _coordinator(bot: Bot, coordinator: int) -> Finding:
    try:
        await bot.get_chat(coordinator)
    except (BadRequest, Forbidden):
        return Finding(
            False, f"coordinator {coordinator} has not started the bot yet (ask them to /start)"
        )
    except TelegramError as error:
        return Finding(False, f"coordinator {coordinator}: {type(error).__name__}")
    return Finding(True, f"coordinator {coordinator} has started the bot")


async def _webhook(bot: Bot, base_url: str) -> Finding:
    """Webhook mode: Telegram knows Samen's URL and could deliver the last update."""
    info = await bot.get_webhook_info()
    if not info.url.startswith(base_url):
        return Finding(False, f"webhook: Telegram has no webhook under {base_url}; start Samen")
    if info.last_error_message:
        return Finding(False, f"webhook: Telegram cannot deliver: {info.last_error_message}")
    waiting = info.pending_update_count
    return Finding(True, f"webhook: Telegram delivers to {base_url} ({waiting} waiting)")


async def _whatsapp(settings: Settings) -> Finding:
    """Off, or Meta accepts the token for the configured number."""
    if not settings.whatsapp_enabled:
        return Finding(True, "WhatsApp: off (no WHATSAPP_* settings)")
    sender = GraphSender(
        settings.whatsapp_api_url, settings.whatsapp_phone_number_id, settings.whatsapp_token
    )
    try:
        number = await sender.number()
    except GraphRefused as refusal:
        return Finding(
            False,
            f"WhatsApp: Meta refused WHATSAPP_TOKEN or WHATSAPP_PHONE_NUMBER_ID ({refusal})",
        )
    except httpx.HTTPError as error:
        return Finding(False, f"cannot reach {settings.whatsapp_api_url}: {type(error).__name__}")
    finally:
        await sender.close()
    return Finding(True, f"WhatsApp: the token works for {number}; webhook path /whatsapp")


def _desk(settings: Settings) -> Finding:
    number = settings.social_desk_phone
    try:
        valid = phonenumbers.is_valid_number(phonenumbers.parse(number, "NL"))
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        return Finding(False, f"SAMEN_SOCIAL_DESK_PHONE is not a valid phone number: {number}")
    return Finding(True, f"social desk: {settings.social_desk_name}, {number}")


def _database(settings: Settings) -> Finding:
    path = settings.database
    if not path.exists():
        return Finding(True, f"database: {path} does not exist yet (made at the first start)")
    size = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    free = os.statvfs(path.parent)
    free_mb = free.f_bavail * free.f_frsize / 1e6
    line = f"database: {path}, {size / 1e6:.1f} MB, {free_mb:.0f} MB free on its disk"
    return Finding(free_mb > 200, line)


def _backups(settings: Settings, now: datetime) -> Finding:
    folder = settings.backup_dir
    if folder is None:
        return Finding(False, "SAMEN_BACKUP_DIR is not set: there are no nightly backups")
    newest = newest_backup(folder) if folder.is_dir() else None
    if newest is None:
        return Finding(False, f"no backup in {folder} yet (the first is made after 03:00)")
    age = now - datetime.fromtimestamp(newest.stat().st_mtime, now.tzinfo)
    hours = age.total_seconds() / 3600
    return Finding(age <= BACKUP_TOO_OLD, f"last backup: {newest.name}, {hours:.0f} hours old")
