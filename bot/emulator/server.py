"""aiohttp front door of the emulator: Bot API routes for the bot, control routes for tests.

The server binds to loopback only: it exposes every chat and acts as anyone, so it must
never be reachable from another machine. Nor from other web sites open in a browser on
this one: every request, GET too (the Bot API accepts GET, as Telegram does), must name
the server's own loopback address and port in ``Host`` (DNS rebinding names another) and
must not come from another site (``Origin``, ``Sec-Fetch-Site``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import BodyPartReader, web

from bot.emulator import botapi, events, people
from bot.emulator.messages import Upload
from bot.emulator.state import EmulatorState, Realism
from bot.emulator.validation import ApiError, JSONDict, decode_value
from bot.emulator.webhook import webhook_pusher

STATE: web.AppKey[EmulatorState] = web.AppKey("emulator_state", EmulatorState)
# The one bot token accepted, when the server was given one (the playground's).
BOT_TOKEN: web.AppKey[str | None] = web.AppKey("bot_token", str)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]{5,}$")
CHECK_INTERVAL = 0.25  # seconds between background unanswered-callback checks
MAX_BODY = 60 * 1024 * 1024

ControlHandler = Callable[[EmulatorState, JSONDict], JSONDict]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        status=status,
        content_type="application/json",
    )


# ----------------------------------------------------------------------------- guard


def _own_hosts(port: int) -> frozenset[str]:
    """The ``Host`` values that name this server: a loopback name and its port."""
    hosts = {f"{name}:{port}" for name in LOOPBACK_NAMES}
    if port == 80:  # browsers leave out the default port
        hosts.update(LOOPBACK_NAMES)
    return frozenset(hosts)


def _refusal(request: web.Request) -> str | None:
    """Why a request is refused (one line), or None when it may be served."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    port = int(sockname[1]) if sockname else -1
    if request.host not in _own_hosts(port):
        return (
            f"Refused: this local server answers only as http://127.0.0.1:{port} "
            "(or localhost), not under another name."
        )
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site in ("cross-site", "same-site") or (
        origin is not None and origin != f"http://{request.host}"
    ):
        return "Refused: a request from another web site."
    return None


@web.middleware
async def loopback_only(request: web.Request, handler: Any) -> web.StreamResponse:
    """Refuse what other web sites in a browser on this computer could ask.

    A page elsewhere can make the browser send GETs (``<img src>``) and simple POSTs
    (``text/plain``) here, or reach this port under its own domain name through DNS
    rebinding and read the answers. The bot's HTTP client sends no ``Origin`` and the
    server's address as ``Host``, and the playground page is same-origin.
    """
    refusal = _refusal(request)
    if refusal is not None:
        return web.Response(status=403, text=refusal + "\n")
    response: web.StreamResponse = await handler(request)
    return response


# ----------------------------------------------------------------------------- Bot API


def _bot_id(request: web.Request) -> int | None:
    """The bot id from a well-formed token (the configured one, if any), else None."""
    token = request.match_info["token"]
    match = TOKEN_RE.match(token)
    expected = request.app[BOT_TOKEN]
    if match is None or (expected is not None and token != expected):
        return None
    return int(match.group(1))


async def _read_params(request: web.Request) -> tuple[JSONDict, dict[str, Upload]]:
    """Merge query string and body (form, multipart or JSON) into decoded parameters."""
    params: JSONDict = {}
    files: dict[str, Upload] = {}
    raw: dict[str, str] = dict(request.query)
    ctype = request.content_type
    if request.can_read_body:
        if ctype == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                if part.filename is not None:
                    ptype = part.headers.get("Content-Type")
                    files[part.name] = Upload(part.filename, ptype, bytes(await part.read()))
                else:
                    raw[part.name] = await part.text()
        elif ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: can't parse JSON")
            params.update(body)
        else:
            form = await request.post()
            raw.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key, value in raw.items():
        params.setdefault(key, decode_value(key, value))
    return params, files


async def bot_api(request: web.Request) -> web.Response:
    state = request.app[STATE]
    bot_id = _bot_id(request)
    method = request.match_info["method"]
    if bot_id is None:
        state.violation(method, "Unauthorized")
        return _json(ApiError(401, "Unauthorized").body(), 401)
    try:
        params, files = await _read_params(request)
    except ApiError as exc:
        state.violation(method, exc.description)
        return _json(exc.body(), exc.code)
    try:
        result, fault = await botapi.call(state, bot_id, method, params, files)
    except ApiError as exc:  # already counted/recorded by botapi.call
        return _json(exc.body(), exc.code)
    if fault == "timeout":
        await asyncio.sleep(state.realism.timeout_delay)
    return _json({"ok": True, "result": result})


async def file_download(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    if _bot_id(request) is None:
        return _json(ApiError(401, "Unauthorized").body(), 401)
    stored = state.files_by_path.get(request.match_info["path"])
    if stored is None:
        return _json(ApiError(404, "Not Found").body(), 404)
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


# ----------------------------------------------------------------------------- control


async def _body(request: web.Request) -> JSONDict:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise people.ControlError("body must be JSON") from None
    if not isinstance(body, dict):
        raise people.ControlError("body must be a JSON object")
    return body


def _control(handler: ControlHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Wrap a people.* action as a JSON POST route with 400s for impossible requests."""

    async def route(request: web.Request) -> web.Response:
        try:
            return _json(handler(request.app[STATE], await _body(request)))
        except people.ControlError as exc:
            return _json({"error": str(exc)}, exc.status)

    return route


def _query_number(request: web.Request, key: str, default: float) -> float:
    try:
        return float(request.query.get(key, default))
    except ValueError:
        raise web.HTTPBadRequest(text=f"{key} must be a number") from None


def _chat_id(request: web.Request) -> int:
    try:
        return int(request.match_info["chat_id"])
    except ValueError:
        raise web.HTTPBadRequest(text="chat_id must be an integer") from None


async def chat_messages(request: web.Request) -> web.Response:
    state = request.app[STATE]
    rec = state.chats.get(_chat_id(request))
    if rec is None:
        return _json([])
    if "limit" in request.query:
        return _json(state.last_entries(rec, int(_query_number(request, "limit", 1))))
    return _json(state.entries_after(rec, int(_query_number(request, "after", 0))))


async def chat_wait(request: web.Request) -> web.Response:
    state = request.app[STATE]
    after = int(_query_number(request, "after", 0))
    timeout = min(max(_query_number(request, "timeout", 5.0), 0.0), 120.0)
    return _json(await state.wait_entries(_chat_id(request), after, timeout))


async def download(request: web.Request) -> web.Response:
    stored = request.app[STATE].files.get(request.match_info["file_id"])
    if stored is None:
        return _json({"error": "unknown file_id"}, 404)
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


async def violations(request: web.Request) -> web.Response:
    return _json(request.app[STATE].read_violations())


async def stats(request: web.Request) -> web.Response:
    with_times = request.query.get("send_times", "").lower() in ("1", "true", "yes")
    return _json(request.app[STATE].stats(with_times=with_times))


def _reset(state: EmulatorState, body: JSONDict) -> JSONDict:
    state.reset()
    return {"ok": True}


def _configure(state: EmulatorState, body: JSONDict) -> JSONDict:
    try:
        state.configure(**body)
    except (ValueError, TypeError) as exc:
        raise people.ControlError(str(exc)) from None
    return {
        "ok": True,
        **vars(state.realism),
        "forbidden_users": sorted(state.realism.forbidden_users),
    }


def _block(state: EmulatorState, body: JSONDict) -> JSONDict:
    return people.set_blocked(state, body, True)


def _unblock(state: EmulatorState, body: JSONDict) -> JSONDict:
    return people.set_blocked(state, body, False)


async def _callback_checker(app: web.Application) -> AsyncIterator[None]:
    """Background sweep so unanswered callbacks show up even if nobody reads violations."""
    state = app[STATE]

    async def loop() -> None:
        while True:
            await asyncio.sleep(CHECK_INTERVAL)
            state.check_callbacks()

    task = asyncio.create_task(loop())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _release_waiters(app: web.Application) -> None:
    app[STATE].close()


def create_app(state: EmulatorState, bot_token: str | None = None) -> web.Application:
    """Build the aiohttp application around an existing state.

    ``bot_token``: accept only this token on the Bot API (else any well-formed one).
    """
    app = web.Application(client_max_size=MAX_BODY, middlewares=[loopback_only])
    app[STATE] = state
    app[BOT_TOKEN] = bot_token
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", file_download)
    posts: dict[str, ControlHandler] = {
        "users": people.add_user,
        "groups": people.add_group,
        "send": people.send,
        "edit": people.edit,
        "press": people.press,
        "reply_button": people.tap_reply_button,
        "react": events.react,
        "channels": events.add_channel,
        "channel_post": events.channel_post,
        "bot_added": events.bot_added,
        "block": _block,
        "unblock": _unblock,
        "reset": _reset,
        "config": _configure,
    }
    for name, handler in posts.items():
        app.router.add_post(f"/control/{name}", _control(handler))
    app.router.add_get("/control/chats/{chat_id}/messages", chat_messages)
    app.router.add_get("/control/chats/{chat_id}/wait", chat_wait)
    app.router.add_get("/control/files/{file_id}", download)
    app.router.add_get("/control/violations", violations)
    app.router.add_get("/control/stats", stats)
    app.cleanup_ctx.append(_callback_checker)
    app.cleanup_ctx.append(webhook_pusher(state))
    app.on_shutdown.append(_release_waiters)
    return app


# ----------------------------------------------------------------------------- running


def check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the emulator binds to loopback only, not {host!r}")


def _state_from(realism: dict[str, Any], bot_first_name: str, bot_username: str) -> EmulatorState:
    state = EmulatorState(bot_first_name=bot_first_name, bot_username=bot_username)
    if realism:
        state.configure(**realism)
    return state


class EmulatorServer:
    """Run the emulator on loopback for the duration of an ``async with`` block."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_first_name: str = "Samen",
        bot_username: str = "samen_test_bot",
        bot_token: str | None = None,
        setup: Callable[[web.Application], None] | None = None,
        **realism: Any,
    ) -> None:
        """``setup`` may add routes to the app before it starts (the playground's page);
        ``bot_token``, when given, is the only token the Bot API accepts."""
        check_loopback(host)
        unknown = set(realism) - set(vars(Realism()))
        if unknown:
            raise TypeError(f"unknown realism options: {sorted(unknown)}")
        self.host = host
        self.port = port
        self.state = _state_from(realism, bot_first_name, bot_username)
        self._bot_token = bot_token
        self._setup = setup
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Root URL, e.g. http://127.0.0.1:54321 (PTB base_url is url + "/bot")."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        self.state.closing = False
        app = create_app(self.state, self._bot_token)
        if self._setup is not None:
            self._setup(app)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> EmulatorServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


async def serve_forever(host: str = "127.0.0.1", port: int = 8081, **realism: Any) -> None:
    """Run until cancelled (the ``samen emulator`` CLI entry point)."""
    async with EmulatorServer(host, port, **realism):
        await asyncio.Event().wait()
