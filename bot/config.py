"""Configuration from environment variables (and an optional ``.env``).

A bad value must stop start-up with one line that names the variable, so an
operator at the municipality can fix it without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SUPPORTED_LANGUAGES = ("nl", "en")

_ENV_NAMES = {
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    "telegram_api_url": "TELEGRAM_API_URL",
    "database": "SAMEN_DATABASE",
    "timezone": "SAMEN_TIMEZONE",
    "default_language": "SAMEN_DEFAULT_LANGUAGE",
    "coordinators": "SAMEN_COORDINATORS",
    "send_rate": "SAMEN_SEND_RATE",
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
    # Messages per second the bot sends on its own initiative; Telegram allows ~30.
    send_rate: float = Field(default=25.0, gt=0, le=30, validation_alias="SAMEN_SEND_RATE")

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: str) -> str:
        value = value.strip()
        if value and (":" not in value or not value.split(":", 1)[0].isdigit()):
            raise ValueError("looks like '123456789:ABC...'; copy it from @BotFather")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _url_shape(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
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
        if not all(p.lstrip("-").isdigit() for p in parts):
            raise ValueError("must be Telegram user ids separated by commas, e.g. '12345,67890'")
        return frozenset(int(p) for p in parts)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def bot_api_base_url(self) -> str:
        return self.telegram_api_url + "/bot"

    @property
    def bot_api_file_url(self) -> str:
        return self.telegram_api_url + "/file/bot"


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = _ENV_NAMES.get(field, field)
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"Configuration error: {name} {message}.") from None
