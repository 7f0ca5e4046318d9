"""Configuration from environment variables (and an optional ``.env``).

A bad value must stop start-up with one line that names the variable, so an
operator at the municipality can fix it without reading a traceback.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.config_checks import (
    check_database_path,
    check_folder_path,
    is_web_address,
    plain_message,
)

SUPPORTED_LANGUAGES = ("nl", "en")
# The ports Telegram delivers webhook updates to (Bot API, setWebhook).
WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})

_ENV_NAMES = {
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    "telegram_api_url": "TELEGRAM_API_URL",
    "database": "SAMEN_DATABASE",
    "timezone": "SAMEN_TIMEZONE",
    "default_language": "SAMEN_DEFAULT_LANGUAGE",
    "coordinators": "SAMEN_COORDINATORS",
    "send_limit": "SAMEN_SEND_LIMIT",
    "retired_send_rate": "SAMEN_SEND_RATE",
    "reminder_lead": "SAMEN_REMINDER_LEAD",
    "task_escalate_after": "SAMEN_TASK_ESCALATE_AFTER",
    "phone_retention_days": "SAMEN_PHONE_RETENTION_DAYS",
    "daytime": "SAMEN_DAYTIME",
    "call_regions": "SAMEN_CALL_REGIONS",
    "playground_port": "SAMEN_PLAYGROUND_PORT",
    "quiet_hours": "SAMEN_QUIET_HOURS",
    "checkin_grace": "SAMEN_CHECKIN_GRACE",
    "safety_window": "SAMEN_SAFETY_WINDOW",
    "nudge_after": "SAMEN_NUDGE_AFTER",
    "social_desk_name": "SAMEN_SOCIAL_DESK_NAME",
    "social_desk_phone": "SAMEN_SOCIAL_DESK_PHONE",
    "http_host": "SAMEN_HTTP_HOST",
    "http_port": "SAMEN_HTTP_PORT",
    "backup_dir": "SAMEN_BACKUP_DIR",
    "backup_keep": "SAMEN_BACKUP_KEEP",
    "log_format": "SAMEN_LOG_FORMAT",
    "webhook_url": "SAMEN_WEBHOOK_URL",
    "webhook_secret": "SAMEN_WEBHOOK_SECRET",
    "min_count": "SAMEN_MIN_COUNT",
    "feed_interval": "SAMEN_FEED_INTERVAL",
    "whatsapp_token": "WHATSAPP_TOKEN",
    "whatsapp_phone_number_id": "WHATSAPP_PHONE_NUMBER_ID",
    "whatsapp_app_secret": "WHATSAPP_APP_SECRET",
    "whatsapp_verify_token": "WHATSAPP_VERIFY_TOKEN",
    "whatsapp_api_url": "WHATSAPP_API_URL",
    "whatsapp_send_rate": "SAMEN_WHATSAPP_SEND_RATE",
    "whatsapp_display_number": "WHATSAPP_DISPLAY_NUMBER",
}


class ConfigError(Exception):
    """A configuration value is wrong; the message is one line for the operator."""


class Settings(BaseSettings):
    """Every setting Samen reads, with its default."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    telegram_bot_token: str = Field(default="", validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(
        default="https://api.telegram.org", validation_alias="TELEGRAM_API_URL"
    )
    database: Path = Field(default=Path("./samen.sqlite3"), validation_alias="SAMEN_DATABASE")
    timezone: str = Field(default="Europe/Amsterdam", validation_alias="SAMEN_TIMEZONE")
    default_language: str = Field(default="nl", validation_alias="SAMEN_DEFAULT_LANGUAGE")
    coordinators: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias="SAMEN_COORDINATORS"
    )
    # Sends and edits per second, replies and the outbox together; Telegram allows ~30.
    send_limit: float = Field(
        default=28.0, gt=0, le=30, allow_inf_nan=False, validation_alias="SAMEN_SEND_LIMIT"
    )
    # Retired: it paced only the outbox, while replies went around it. Refused with a
    # pointer to SAMEN_SEND_LIMIT so an old .env does not silently mean something else.
    retired_send_rate: str | None = Field(default=None, validation_alias="SAMEN_SEND_RATE")
    # "Remind me" sends its message this long before an activity starts.
    reminder_lead: timedelta = Field(
        default=timedelta(hours=2),
        gt=timedelta(0),
        le=timedelta(days=2),
        validation_alias="SAMEN_REMINDER_LEAD",
    )
    # A call-back task nobody claimed for this long (counted within daytime) alerts
    # the coordinators once.
    task_escalate_after: timedelta = Field(
        default=timedelta(hours=2), gt=timedelta(0), validation_alias="SAMEN_TASK_ESCALATE_AFTER"
    )
    # Partners' activity feeds (`samen sources add`) are fetched this often.
    feed_interval: timedelta = Field(
        default=timedelta(hours=6), ge=timedelta(minutes=5), validation_alias="SAMEN_FEED_INTERVAL"
    )
    # Phone numbers and notes of a call-back are cleared this many days after it closes.
    phone_retention_days: int = Field(
        default=30, ge=1, le=3650, validation_alias="SAMEN_PHONE_RETENTION_DAYS"
    )
    # The hours in which volunteers call and unclaimed time counts, local time.
    daytime: str = Field(default="08:00-21:00", validation_alias="SAMEN_DAYTIME")
    # Countries whose phone numbers volunteers call (ISO codes); the first is "home":
    # a number typed without + and country code is read as one of its numbers.
    call_regions: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("NL",),
        # The name before call-backs became call requests still works.
        validation_alias=AliasChoices("SAMEN_CALL_REGIONS", "SAMEN_CALLBACK_REGIONS"),
    )
    # Port of the offline playground page (`samen playground`, `make run` without a token).
    playground_port: int = Field(
        default=8080, ge=1, le=65535, validation_alias="SAMEN_PLAYGROUND_PORT"
    )
    # Check-ins are never sent in these local hours ('HH:MM-HH:MM', may wrap midnight).
    quiet_hours: str = Field(default="21:00-08:00", validation_alias="SAMEN_QUIET_HOURS")
    # A check-in missed while Samen was down is still sent this late; later it is skipped.
    checkin_grace: timedelta = Field(
        default=timedelta(hours=2), ge=timedelta(0), validation_alias="SAMEN_CHECKIN_GRACE"
    )
    # No answer to a check-in this long after it arrived: a "missed check-in" call-back task.
    safety_window: timedelta = Field(
        default=timedelta(hours=3), gt=timedelta(0), validation_alias="SAMEN_SAFETY_WINDOW"
    )
    # The safety net's first step: no answer this long after a check-in arrived, one
    # gentle reminder (only when it comes before the safety window).
    nudge_after: timedelta = Field(
        default=timedelta(hours=1), gt=timedelta(0), validation_alias="SAMEN_NUDGE_AFTER"
    )
    # The local social work desk, shown to anyone not doing well (113 and 112 only on crisis).
    social_desk_name: str = Field(
        default="WIJ Heemstede", min_length=1, validation_alias="SAMEN_SOCIAL_DESK_NAME"
    )
    social_desk_phone: str = Field(
        default="023 205 08 89", min_length=3, validation_alias="SAMEN_SOCIAL_DESK_PHONE"
    )
    # The numbers show a count about feelings or health only from this many people up
    # ("< 5" below it), so a coordinator cannot tell what one person answered.
    min_count: int = Field(default=5, ge=1, le=1000, validation_alias="SAMEN_MIN_COUNT")

    # The operator's HTTP server (/healthz, /metrics); port 0 switches it off.
    http_host: str = Field(default="127.0.0.1", min_length=1, validation_alias="SAMEN_HTTP_HOST")
    http_port: int = Field(default=8088, ge=0, le=65535, validation_alias="SAMEN_HTTP_PORT")
    # Nightly backups (after 03:00 local) go here, the newest SAMEN_BACKUP_KEEP are kept.
    backup_dir: Path | None = Field(default=None, validation_alias="SAMEN_BACKUP_DIR")
    backup_keep: int = Field(default=14, ge=1, le=3650, validation_alias="SAMEN_BACKUP_KEEP")
    # "text" for people reading a terminal, "json" (one object per line) for log collectors.
    log_format: str = Field(default="text", validation_alias="SAMEN_LOG_FORMAT")

    # Webhook mode: Telegram POSTs updates to this public base URL (your reverse proxy),
    # path and secret are added by Samen. Empty: long polling.
    webhook_url: str = Field(default="", validation_alias="SAMEN_WEBHOOK_URL")
    webhook_secret: str = Field(default="", validation_alias="SAMEN_WEBHOOK_SECRET")

    # WhatsApp (Meta's Cloud API): all four set, or none (then WhatsApp is off).
    whatsapp_token: str = Field(default="", validation_alias="WHATSAPP_TOKEN")
    whatsapp_phone_number_id: str = Field(default="", validation_alias="WHATSAPP_PHONE_NUMBER_ID")
    whatsapp_app_secret: str = Field(default="", validation_alias="WHATSAPP_APP_SECRET")
    whatsapp_verify_token: str = Field(default="", validation_alias="WHATSAPP_VERIFY_TOKEN")
    whatsapp_api_url: str = Field(
        default="https://graph.facebook.com", validation_alias="WHATSAPP_API_URL"
    )
    # Messages per second to WhatsApp, independent of Telegram's SAMEN_SEND_LIMIT
    # (Meta's default tier allows 80).
    whatsapp_send_rate: float = Field(
        default=60.0,
        gt=0,
        le=1000,
        allow_inf_nan=False,
        validation_alias="SAMEN_WHATSAPP_SEND_RATE",
    )
    # The number people see for Samen on WhatsApp (digits with country code, e.g.
    # 31612345678): with it, linking from Telegram gives a wa.me click-to-chat link.
    whatsapp_display_number: str = Field(default="", validation_alias="WHATSAPP_DISPLAY_NUMBER")

    @field_validator("retired_send_rate")
    @classmethod
    def _send_rate_is_retired(cls, value: str | None) -> None:
        if value is not None:
            raise ValueError(
                "is no longer used: set SAMEN_SEND_LIMIT (sends and edits per second,"
                " replies included; default 28) and remove SAMEN_SEND_RATE"
            )

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        local = value.startswith(("http://127.0.0.1:", "http://localhost:"))
        if value and not (is_web_address(value, ("https",)) or local):
            raise ValueError(
                "must be a web address starting with https:// (Telegram sends updates only"
                " over HTTPS), such as https://samen.example.nl"
            )
        if value.startswith("https://") and (urlsplit(value).port or 443) not in WEBHOOK_PORTS:
            raise ValueError("must use port 443, 80, 88 or 8443 (the only ones Telegram sends to)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: str) -> str:
        value = value.strip()
        if value and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value):
            raise ValueError("must be 16 to 256 letters, digits, '-' or '_'")
        return value

    @model_validator(mode="after")
    def _webhook_needs_http(self) -> Settings:
        if self.webhook_url and self.http_port == 0:
            raise ValueError("SAMEN_WEBHOOK_URL needs the HTTP server: set SAMEN_HTTP_PORT (not 0)")
        return self

    @field_validator(
        "whatsapp_token", "whatsapp_phone_number_id", "whatsapp_app_secret", "whatsapp_verify_token"
    )
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()

    @field_validator("whatsapp_phone_number_id")
    @classmethod
    def _number_id(cls, value: str) -> str:
        if value and not value.isdigit():
            raise ValueError(
                "must be the phone number ID from Meta's WhatsApp API setup (digits only),"
                " not the phone number itself"
            )
        return value

    @field_validator("whatsapp_display_number")
    @classmethod
    def _display_number(cls, value: str) -> str:
        digits = re.sub(r"[\s().-]", "", value).removeprefix("+")
        if digits and not re.fullmatch(r"\d{8,15}", digits):
            raise ValueError("must be the number with its country code, e.g. 31612345678")
        return digits

    @field_validator("database", mode="before")
    @classmethod
    def _database_given(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("must be a file such as ./samen.sqlite3")
        return value

    @field_validator("database")
    @classmethod
    def _database_usable(cls, value: Path) -> Path:
        if str(value) != ":memory:":
            check_database_path(value)
        return value

    @field_validator("backup_dir")
    @classmethod
    def _backup_dir_usable(cls, value: Path | None) -> Path | None:
        if value is not None:
            check_folder_path(value)
        return value

    @field_validator("whatsapp_api_url")
    @classmethod
    def _whatsapp_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not is_web_address(value, ("http", "https")):
            raise ValueError(
                "must be a web address starting with https:// (or http:// for the local"
                " emulator), such as https://graph.facebook.com"
            )
        return value

    @model_validator(mode="after")
    def _whatsapp_all_or_nothing(self) -> Settings:
        given = {
            _ENV_NAMES[name]: bool(getattr(self, name))
            for name in (
                "whatsapp_token",
                "whatsapp_phone_number_id",
                "whatsapp_app_secret",
                "whatsapp_verify_token",
            )
        }
        missing = [name for name, present in given.items() if not present]
        if missing and len(missing) < len(given):
            raise ValueError(
                f"WhatsApp is half set up: also set {', '.join(missing)}"
                " (or unset all WHATSAPP_* to switch WhatsApp off)"
            )
        if self.whatsapp_enabled and self.http_port == 0:
            raise ValueError("WhatsApp needs the HTTP server for its webhook: set SAMEN_HTTP_PORT")
        return self

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.whatsapp_token)

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("text", "json"):
            raise ValueError("must be 'text' or 'json'")
        return value

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: str) -> str:
        value = value.strip()
        if value and not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", value):
            raise ValueError(
                "looks like '123456789:ABC...' (digits, a colon, then letters, digits, '-' or"
                " '_', no spaces or quotes); copy it from @BotFather"
            )
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _url_shape(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not is_web_address(value, ("http", "https")):
            raise ValueError(
                "must be a web address starting with http:// or https://,"
                " such as https://api.telegram.org"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a known time zone such as 'Europe/Amsterdam'") from None
        return value

    @field_validator("default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("coordinators", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> frozenset[int]:
        if isinstance(value, frozenset | set | list | tuple):
            return frozenset(int(v) for v in value)
        parts = [p.strip() for p in str(value).split(",") if p.strip()]
        if not all(p.isdigit() and int(p) > 0 for p in parts):
            raise ValueError(
                "must be Telegram user ids (whole numbers above 0) separated by commas,"
                " e.g. '12345,67890'"
            )
        return frozenset(int(p) for p in parts)

    @field_validator("call_regions", mode="before")
    @classmethod
    def _region_list(cls, value: object) -> tuple[str, ...]:
        items = value if isinstance(value, list | tuple) else str(value).split(",")
        codes = tuple(dict.fromkeys(str(v).strip().upper() for v in items if str(v).strip()))
        if not codes or not set(codes) <= phonenumbers.SUPPORTED_REGIONS:
            raise ValueError("must be country codes separated by commas, e.g. 'NL' or 'NL,BE'")
        return codes

    @field_validator("daytime")
    @classmethod
    def _daytime_shape(cls, value: str) -> str:
        value = value.strip()
        _parse_daytime(value)
        return value

    @property
    def daytime_hours(self) -> tuple[time, time]:
        """SAMEN_DAYTIME as (start, end) local times."""
        return _parse_daytime(self.daytime)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_shape(cls, value: str) -> str:
        value = value.strip()
        _parse_quiet_hours(value)
        return value

    @property
    def quiet_hours_span(self) -> tuple[time, time]:
        """SAMEN_QUIET_HOURS as (start, end) local times; start > end wraps midnight."""
        return _parse_quiet_hours(self.quiet_hours)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def bot_api_base_url(self) -> str:
        return self.telegram_api_url + "/bot"

    @property
    def bot_api_file_url(self) -> str:
        return self.telegram_api_url + "/file/bot"


def _parse_daytime(value: str) -> tuple[time, time]:
    """'08:00-21:00' -> (08:00, 21:00); raises ValueError with a hint otherwise."""
    hint = "must look like '08:00-21:00' (start before end)"
    start_text, sep, end_text = value.partition("-")
    try:
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError(hint) from None
    if not sep or start >= end:
        raise ValueError(hint)
    return start, end


def _parse_quiet_hours(value: str) -> tuple[time, time]:
    """'21:00-08:00' -> (21:00, 08:00); the span may wrap midnight but not be empty."""
    hint = "must look like '21:00-08:00' (start and end differ)"
    start_text, sep, end_text = value.partition("-")
    try:
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError(hint) from None
    if not sep or start == end or start.second or end.second:
        raise ValueError(hint)
    return start, end


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        message = plain_message(error["type"], str(error["msg"]))
        if error["loc"]:  # one setting; otherwise the message names the settings itself
            field = str(error["loc"][0])
            message = f"{_ENV_NAMES.get(field, field)} {message}"
        raise ConfigError(f"Configuration error: {message}.") from None
    except UnicodeDecodeError:
        raise ConfigError(
            "Configuration error: the .env file is not UTF-8 text; save it as UTF-8."
        ) from None
    except OSError as error:
        raise ConfigError(
            f"Configuration error: the .env file cannot be read ({error.strerror})."
        ) from None
