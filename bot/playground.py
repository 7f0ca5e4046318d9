"""The offline playground: the real bot, the emulator and a web page with four people.

A municipality deciding whether to adopt Samen, a volunteer in training and a new
developer should see the real bot at work in a minute, with no Telegram account and no
internet. ``samen playground`` (and ``make run`` without a token) starts the emulator on
loopback, the real Application polling it with a database of its own, and serves a page
from the emulator's aiohttp app where a resident, a second resident, a volunteer and a
coordinator chat side by side. The page acts through the emulator's control API, exactly
as the end-to-end tests do, so what you see is what Telegram users would get.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.activity_cli import default_source, import_file
from bot.app import SamenApplication, build_application, poll_until
from bot.clock import Clock, utc_now
from bot.config import Settings, load_settings
from bot.emulator import people
from bot.emulator.server import EmulatorServer
from bot.emulator.state import EmulatorState
from bot.playground_whatsapp import WhatsAppCorner
from bot.runlock import AlreadyRunning, run_lock
from bot.runtime import Runtime

log = logging.getLogger("samen.playground")

# The bot's id in the playground; its token is new for every run (see Playground).
BOT_ID = 100_000_001
STATIC = Path(__file__).parent / "emulator" / "static"
_DATA = Path(__file__).resolve().parent.parent / "data"
# The partners' example programme, as a CSV file and as an iCalendar file.
EXAMPLE_ACTIVITIES = (_DATA / "example_activities.csv", _DATA / "example_activities.ics")
DATABASE_NAME = "playground.sqlite3"
LONG_POLL_SECONDS = 25.0


@dataclass(frozen=True)
class PlaygroundPerson:
    """Someone on the page: a Telegram user with a role set up at start."""

    key: str
    user_id: int
    first_name: str
    language_code: str
    role: str  # "resident", "volunteer" or "coordinator": what the page shows
    phone: str  # what "share contact" sends (fictional numbers)


ANNA = PlaygroundPerson("anna", 700_100_001, "Anna", "nl", "resident", "+31612345601")
JOHN = PlaygroundPerson("john", 700_100_002, "John", "en", "resident", "+31612345602")
FATIMA = PlaygroundPerson("fatima", 700_100_003, "Fatima", "nl", "volunteer", "+31612345603")
COEN = PlaygroundPerson("coen", 700_100_004, "Coen", "nl", "coordinator", "+31612345604")
PEOPLE = (ANNA, JOHN, FATIMA, COEN)


@dataclass(frozen=True)
class Place:
    """A named spot for "share location"; coordinates are approximate."""

    name: str
    latitude: float
    longitude: float


PLACES = (
    Place("Raadhuisplein", 52.3565, 4.6215),
    Place("Binnenweg (shops)", 52.3552, 4.6226),
    Place("Station Heemstede-Aerdenhout", 52.3589, 4.6067),
    Place("Glipper Dreef (Heemstede-Zuid)", 52.3430, 4.6140),
    Place("Wandelbos Groenendaal", 52.3378, 4.6230),
    Place("Haarlem, Grote Markt (outside Heemstede)", 52.3812, 4.6366),
)

BANNER = """\
This is the offline PLAYGROUND: the real Samen bot, talking to a local Telegram
emulator instead of Telegram. Nothing leaves this computer.

  Open  {url}  in your browser.
  Anna and John are residents, Fatima is a volunteer, Coen is a coordinator.
  The database is {database}
  ("↺ Start again" on the page empties it).

To run the real bot on Telegram instead, get a token from @BotFather and run
  TELEGRAM_BOT_TOKEN=123456:ABC... make run
Ctrl+C stops the playground."""


async def set_up_roles(runtime: Runtime) -> None:
    """Make Fatima a volunteer, as an invite from Coen would: the role and an on-duty
    profile, so call-back tasks reach her. (Coen is a coordinator by configuration.)"""
    async with runtime.db.transaction() as conn:
        await runtime.services.volunteers.enrol(
            FATIMA.user_id, FATIMA.first_name, FATIMA.language_code, COEN.user_id, conn
        )


async def load_example_data(runtime: Runtime) -> None:
    """Import the example activities into a fresh playground database.

    Through the same path as ``samen import activities FILE``. A broken example file
    does not stop the playground: its problems are logged (they name lines, no person).
    """
    for path in EXAMPLE_ACTIVITIES:
        report = await import_file(
            runtime.db, path, default_source(path), runtime.settings.timezone, runtime.clock
        )
        for error in report.errors:
            log.error("example activities (%s): %s", path.name, error)
        log.info("example activities (%s): %d imported", path.name, report.added)


class PlaygroundError(Exception):
    """The playground cannot start (e.g. the port is taken); the message is for people."""


class Playground:
    """The emulator, the bot task and the people; ``reset`` starts everything again."""

    def __init__(
        self,
        *,
        port: int = 8080,
        folder: Path | None = None,
        clock: Clock = utc_now,
        **settings: object,
    ) -> None:
        """``folder`` holds the database (a temporary one when None); ``settings`` are
        extra overrides (SAMEN_* names) on top of the environment."""
        self._own_folder = folder is None
        self.folder = folder or Path(tempfile.mkdtemp(prefix="samen-playground-"))
        self.clock = clock
        self._overrides = settings
        # The emulator takes only this token, so a page elsewhere cannot guess the
        # Bot API's URLs to act as the bot.
        self.token = f"{BOT_ID}:{secrets.token_urlsafe(24)}"
        self.whatsapp = WhatsAppCorner()  # Wim, a resident on WhatsApp
        self.emulator = EmulatorServer(
            "127.0.0.1",
            port,
            bot_username="samen_playground_bot",
            bot_token=self.token,
            setup=self._add_routes,
        )
        self.epoch = 0
        self.settings: Settings | None = None
        self.runtime: Runtime | None = None
        self.failed = asyncio.Event()
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._held = contextlib.ExitStack()  # the database's run lock while running

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        return self.emulator.url + "/"

    @property
    def state(self) -> EmulatorState:
        return self.emulator.state

    @property
    def database(self) -> Path:
        return self.folder / DATABASE_NAME

    async def start(self) -> None:
        """Start the emulator and the bot; on any failure, leave nothing behind."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:  # a second playground on the same --folder would be a second bot on its data
            self._held.enter_context(run_lock(self.database))
        except AlreadyRunning as exc:
            raise PlaygroundError(str(exc)) from None
        try:
            await self.emulator.start()
        except OSError as exc:
            raise PlaygroundError(
                f"Cannot open port {self.emulator.port} on 127.0.0.1 ({exc.strerror}). "
                "Is the playground already running? Choose another port with "
                "SAMEN_PLAYGROUND_PORT=8090 (or samen playground --port 8090)."
            ) from None
        self.settings = load_settings(
            **{
                **self._overrides,
                "TELEGRAM_BOT_TOKEN": self.token,
                "TELEGRAM_API_URL": self.emulator.url,
                "SAMEN_DATABASE": self.database,
                "SAMEN_COORDINATORS": str(COEN.user_id),
                **self.whatsapp.settings(self.emulator.url),
            }
        )
        self._add_people()
        await self._start_bot()

    async def stop(self) -> None:
        await self._stop_bot()
        await self.emulator.stop()
        self._held.close()
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    async def reset(self) -> None:
        """Start again: an empty database with the example data, empty chats."""
        async with self._lock:
            await self._stop_bot()
            self.state.reset()
            _remove_database(self.database)
            self.epoch += 1
            self._add_people()
            await self._start_bot()
        log.info("playground reset (epoch %d)", self.epoch)

    async def settled(self) -> None:
        """Wait until a reset that is under way has finished (the page may show the
        empty chats a moment before the new bot is running)."""
        async with self._lock:
            return

    def _add_people(self) -> None:
        self.whatsapp.reset()
        for person in PEOPLE:
            people.add_user(
                self.state,
                {
                    "user_id": person.user_id,
                    "first_name": person.first_name,
                    "language_code": person.language_code,
                    "started": True,  # they know Samen already: it may write first
                },
            )

    async def _start_bot(self) -> None:
        assert self.settings is not None
        runtime = await Runtime.open(self.settings, self.clock)
        try:
            await set_up_roles(runtime)
            await load_example_data(runtime)
            app = build_application(runtime)
        except BaseException:
            await runtime.close()
            raise
        self.runtime = runtime
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._run_bot(app, runtime, self._stop))

    async def _run_bot(self, app: SamenApplication, runtime: Runtime, stop: asyncio.Event) -> None:
        try:
            async with self.whatsapp.running(app, runtime, stop):
                await poll_until(app, runtime, stop)
        except Exception as exc:
            log.error("the bot stopped: %s", type(exc).__name__)
            self.failed.set()
            raise
        finally:
            await runtime.close()

    async def _stop_bot(self) -> None:
        if self._stop is None or self._task is None:
            return
        self._stop.set()
        task, self._task = self._task, None
        self.runtime = None
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 30)

    # ------------------------------------------------------------------ the page

    def _add_routes(self, app: web.Application) -> None:
        app[PLAYGROUND] = self  # other sites are kept out by the emulator's own guard
        app.router.add_get("/", _index)
        app.router.add_static("/static/", STATIC)
        app.router.add_get("/playground/api/state", _state)
        app.router.add_get("/playground/api/updates", _updates)
        app.router.add_post("/playground/api/reset", _reset)
        self.whatsapp.mount(app)

    def describe(self) -> dict[str, Any]:
        """Who is on the page and where they can be, for the page to build itself."""
        return {
            "epoch": self.epoch,
            "people": [asdict(p) for p in PEOPLE],
            "whatsapp": self.whatsapp.describe(),
            "places": [asdict(p) for p in PLACES],
        }

    async def updates(self, after: int, epoch: int, timeout: float) -> dict[str, Any]:
        """Long poll: every transcript entry of the people with seq > after.

        Returns at once when there is something (or the playground was reset, so the
        page starts over), else after ``timeout`` seconds with no entries. The current
        reply keyboard of each chat comes along, since Telegram never echoes it back.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if epoch != self.epoch:
                return {"epoch": self.epoch, "reset": True, "cursor": 0, "entries": []}
            entries = self._entries_after(after)
            remaining = deadline - loop.time()
            if entries or remaining <= 0 or self.state.closing:
                cursor = max([after, *(int(e["seq"]) for e in entries)])
                return {
                    "epoch": self.epoch,
                    "reset": False,
                    "cursor": cursor,
                    "entries": entries,
                    "keyboards": self._keyboards(),
                }
            self.state.activity.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.state.activity.wait(), remaining)

    def _entries_after(self, after: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for person in PEOPLE:
            rec = self.state.chats.get(person.user_id)
            if rec is not None:
                found += [
                    {**e, "chat_id": person.user_id} for e in self.state.entries_after(rec, after)
                ]
        found.sort(key=lambda e: int(e["seq"]))
        return found

    def _keyboards(self) -> dict[str, Any]:
        keyboards: dict[str, Any] = {}
        for person in PEOPLE:
            rec = self.state.chats.get(person.user_id)
            keyboards[str(person.user_id)] = rec.reply_keyboard if rec is not None else None
        return keyboards


PLAYGROUND = web.AppKey("playground", Playground)


def _remove_database(path: Path) -> None:
    """Delete an SQLite file with its WAL and shared-memory companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _playground(request: web.Request) -> Playground:
    return request.app[PLAYGROUND]


def _json(data: Any) -> web.Response:
    return web.Response(
        body=json.dumps(data, ensure_ascii=False).encode("utf-8"),
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def _state(request: web.Request) -> web.Response:
    return _json(_playground(request).describe())


def _number(request: web.Request, key: str, default: float) -> float:
    try:
        return float(request.query.get(key, default))
    except ValueError:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": f"{key} must be a number"}), content_type="application/json"
        ) from None


async def _updates(request: web.Request) -> web.Response:
    playground = _playground(request)
    after = int(_number(request, "after", 0))
    epoch = int(_number(request, "epoch", playground.epoch))
    timeout = min(max(_number(request, "timeout", LONG_POLL_SECONDS), 0.0), 60.0)
    return _json(await playground.updates(after, epoch, timeout))


async def _reset(request: web.Request) -> web.Response:
    playground = _playground(request)
    await playground.reset()
    return _json(playground.describe())


async def run_playground(port: int, folder: Path | None, stop: asyncio.Event) -> int:
    """The ``samen playground`` command: run until ``stop`` (Ctrl+C) or the bot fails."""
    playground = Playground(port=port, folder=folder)
    try:
        await playground.start()
    except PlaygroundError as exc:
        print(exc)
        return 1
    print(BANNER.format(url=playground.url, database=playground.database), flush=True)
    try:
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(playground.failed.wait())]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for wait in waits:
            wait.cancel()
    finally:
        await playground.stop()
    if playground.failed.is_set():
        print("The bot stopped with an error; see the log above.")
        return 1
    return 0
