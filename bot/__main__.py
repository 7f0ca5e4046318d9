"""The ``samen`` command (also ``python -m bot``): run, playground, migrate, emulator, version."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure as configure_logging

NO_TOKEN_HELP = """\
Samen needs a Telegram bot token to talk to Telegram, and TELEGRAM_BOT_TOKEN is empty.
To get one: open Telegram, talk to @BotFather, send /newbot, choose a name, and copy the
token it gives you. Then run:  TELEGRAM_BOT_TOKEN=123456:ABC... make run  (or put the line
TELEGRAM_BOT_TOKEN=... in a file named .env). To try Samen offline without Telegram, run
`make run` without a token, or `samen playground`: the real bot, a local Telegram emulator
and a web page with four people to chat as, on http://127.0.0.1:8080."""


async def _run_until_signal(settings: Settings) -> None:
    from bot.app import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await serve(settings, stop)


async def _playground_until_signal(port: int, folder: Path | None) -> int:
    from bot.playground import run_playground

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return await run_playground(port, folder, stop)


async def _migrate(settings: Settings) -> list[int]:
    from bot.db import Database

    db = await Database.open(settings.database)
    try:
        return await db.migrate()
    finally:
        await db.close()


async def _stats(settings: Settings, png: Path | None) -> int:
    """Print the coordinators' numbers (as plain text) and write the chart if asked."""
    import html
    import re

    from bot.numbers import render_png, render_text
    from bot.runtime import Runtime

    runtime = await Runtime.open(settings)
    try:
        report = await runtime.services.stats.report()
    finally:
        await runtime.close()
    t = runtime.catalogs.get(settings.default_language)
    print(html.unescape(re.sub(r"</?[bi]>", "", render_text(report, t))))
    if png is not None:
        await asyncio.to_thread(png.write_bytes, render_png(report, t))
        print(f"chart written to {png}")
    return 0


async def _doctor(settings: Settings) -> int:
    from bot.doctor import examine

    findings = await examine(settings)
    for finding in findings:
        print(finding)
    return 0 if all(f.ok for f in findings) else 1


def _print_templates(settings: Settings) -> int:
    """The WhatsApp templates in every language, as Meta's template API takes them."""
    from bot.channels.whatsapp.templates import submission_json
    from bot.i18n import Catalogs

    print(submission_json(Catalogs.load(settings.zone)))
    return 0


def _backup(settings: Settings, target: Path) -> int:
    from bot.backup import BackupError, copy_database

    try:
        copy_database(settings.database, target)
    except BackupError as error:
        print(f"backup failed: {error}", file=sys.stderr)
        return 1
    print(f"backup written to {target}")
    return 0


def _restore(settings: Settings, backup: Path) -> int:
    from bot.backup import BackupError, restore_database
    from bot.runlock import AlreadyRunning, run_lock

    try:
        with run_lock(settings.database):
            restore_database(backup, settings.database)
    except AlreadyRunning as error:
        print(f"restore refused: {error}", file=sys.stderr)
        return 1
    except BackupError as error:
        print(f"restore refused: {error}", file=sys.stderr)
        return 1
    print(f"restored {backup} into {settings.database}")
    return 0


DEFAULT_FIELDS = ("organiser", "kind", "place", "address", "phone", "website")


def _add_sources_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`samen sources`: list; add NAME URL; defaults NAME; fetch NAME; remove NAME."""
    sources = commands.add_parser(
        "sources", help="partners' activity feeds and defaults per source (lists them)"
    )
    actions = sources.add_subparsers(dest="action")
    add = actions.add_parser("add", help="fetch a partner's calendar link (.ics or CSV) regularly")
    add.add_argument("name")
    add.add_argument("url")
    defaults = actions.add_parser(
        "defaults", help="set what a source's calendar rarely carries, once for all its events"
    )
    defaults.add_argument("name")
    for parser in (add, defaults):
        for field in DEFAULT_FIELDS:
            parser.add_argument(f"--{field}", help=f"the {field} when an event has none")
    fetch = actions.add_parser("fetch", help="fetch a feed now")
    fetch.add_argument("name")
    fetch.add_argument(
        "--force", action="store_true", help="apply it even when it shrank (after checking it)"
    )
    remove = actions.add_parser("remove", help="stop fetching a source and hide its activities")
    remove.add_argument("name")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="samen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling)")
    playground = commands.add_parser(
        "playground", help="try Samen offline in the browser (emulator, bot and a web page)"
    )
    playground.add_argument("--port", type=int, help="port of the page (SAMEN_PLAYGROUND_PORT)")
    playground.add_argument(
        "--folder", type=Path, help="keep the database here (default: a new temporary folder)"
    )
    commands.add_parser(
        "has-token", help="exit 0 when TELEGRAM_BOT_TOKEN is set, 1 when empty (for make run)"
    )
    importer = commands.add_parser("import", help="import activities from a CSV or .ics file")
    importer.add_argument("what", choices=["activities"])
    importer.add_argument("file", type=Path)
    importer.add_argument("--source", help="name of the source (default: the file name)")
    importer.add_argument(
        "--strict", action="store_true", help="import nothing when any activity has a problem"
    )
    _add_sources_parser(commands)
    postcodes = commands.add_parser(
        "postcodes", help="replace the postcode centres with the official CBS/PDOK PC4 areas"
    )
    postcodes.add_argument("what", choices=["import"])
    postcodes.add_argument("file", type=Path, help="a .geojson or .gpkg file of PC4 polygons")
    postcodes.add_argument(
        "--all", action="store_true", help="also add the postcodes not yet in postcodes.csv"
    )
    stats = commands.add_parser("stats", help="print the numbers of the last weeks")
    stats.add_argument("--png", type=Path, help="also write the chart of the last 12 weeks here")
    commands.add_parser("migrate", help="bring the database up to date")
    backup = commands.add_parser("backup", help="copy the database safely, also while it runs")
    backup.add_argument("file", type=Path)
    restore = commands.add_parser(
        "restore", help="put a backup back (checked first; refused while Samen runs)"
    )
    restore.add_argument("file", type=Path)
    commands.add_parser("doctor", help="check everything before going live; non-zero on a problem")
    emulator = commands.add_parser("emulator", help="run the local Telegram Bot API emulator")
    emulator.add_argument("--port", type=int, default=8081)
    emulator.add_argument("--flood-limits", action="store_true", help="act like Telegram's limits")
    whatsapp = commands.add_parser("whatsapp", help="WhatsApp: print the message templates")
    whatsapp.add_argument(
        "what", choices=["templates"], help="the templates to submit to Meta, as JSON"
    )
    commands.add_parser("version", help="print the version")
    return parser


def _version(_args: argparse.Namespace) -> int:
    print(f"samen {__version__}")
    return 0


def _postcodes(args: argparse.Namespace) -> int:
    from bot.postcode_cli import run_postcodes

    return run_postcodes(args.file, args.all)


def _emulator(args: argparse.Namespace) -> int:
    configure_logging()
    from bot.emulator.server import serve_forever

    print(f"Bot API emulator on http://127.0.0.1:{args.port} (Ctrl+C stops it)")
    asyncio.run(serve_forever("127.0.0.1", args.port, flood_limits=args.flood_limits))
    return 0


def _has_token(settings: Settings, _args: argparse.Namespace) -> int:
    return 0 if settings.telegram_bot_token else 1


def _playground(settings: Settings, args: argparse.Namespace) -> int:
    port = settings.playground_port if args.port is None else args.port
    return asyncio.run(_playground_until_signal(port, args.folder))


def _import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.activity_cli import run_import

    return run_import(settings, args.file, args.source, args.strict)


def _sources(settings: Settings, args: argparse.Namespace) -> int:
    from bot.activity_cli import run_sources
    from bot.services.activities.imports import SourceDefaults

    defaults = SourceDefaults(**{k: getattr(args, k, None) or "" for k in DEFAULT_FIELDS})
    return run_sources(
        settings,
        args.action,
        getattr(args, "name", ""),
        getattr(args, "url", ""),
        defaults,
        force=getattr(args, "force", False),
    )


def _migrate_command(settings: Settings, _args: argparse.Namespace) -> int:
    applied = asyncio.run(_migrate(settings))
    print(f"applied migrations: {applied or 'none, already up to date'}")
    return 0


def _run(settings: Settings, _args: argparse.Namespace) -> int:
    if not settings.telegram_bot_token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return 2
    from bot.httpserver import HttpServerError
    from bot.runlock import AlreadyRunning

    try:
        asyncio.run(_run_until_signal(settings))
    except AlreadyRunning as error:
        print(error, file=sys.stderr)
        return 1
    except HttpServerError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    return 0


# Each command imports what it needs only when it runs: `samen version` or a bad setting
# answers at once, without loading python-telegram-bot, aiohttp and every service.
WITHOUT_SETTINGS: dict[str, Callable[[argparse.Namespace], int]] = {
    "version": _version,
    "postcodes": _postcodes,
    "emulator": _emulator,
}
WITH_SETTINGS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "whatsapp": lambda settings, _args: _print_templates(settings),
    "has-token": _has_token,
    "playground": _playground,
    "import": _import,
    "sources": _sources,
    "stats": lambda settings, args: asyncio.run(_stats(settings, args.png)),
    "backup": lambda settings, args: _backup(settings, args.file),
    "restore": lambda settings, args: _restore(settings, args.file),
    "doctor": lambda settings, _args: asyncio.run(_doctor(settings)),
    "migrate": _migrate_command,
    "run": _run,
}


def main(argv: list[str] | None = None) -> int:
    # Have PTB report durations (RetryAfter.retry_after) as timedelta, as it will by default.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = _parser().parse_args(argv)
    if args.command in WITHOUT_SETTINGS:
        return WITHOUT_SETTINGS[args.command](args)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings.log_format)
    from bot.services.places.geo import PlacesError  # loaded only now, as the commands are

    try:
        return WITH_SETTINGS[args.command](settings, args)
    except PlacesError as error:  # data/*.csv, edited by hand, cannot be used
        print(f"Data error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
