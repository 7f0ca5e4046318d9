"""Samen's one HTTP server for operators: ``/healthz`` and ``/metrics``.

It listens on ``SAMEN_HTTP_HOST:SAMEN_HTTP_PORT`` (loopback by default: put a reverse proxy
in front to expose anything) and answers only what the monitoring needs, no personal data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import health
from bot.runtime import Runtime


class HttpServerError(Exception):
    """The server cannot start; the message is one line for the operator."""


Route = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]


def operator_routes(runtime: Runtime, *, polling: bool) -> list[Route]:
    monitor = runtime.monitor

    async def healthz(_request: web.Request) -> web.Response:
        result = await health.check(
            monitor, runtime.state, runtime.services.outbox, expect_polling=polling
        )
        return web.json_response(result.body, status=200 if result.healthy else 503)

    async def metrics(_request: web.Request) -> web.Response:
        backlog = await runtime.services.outbox.backlog()
        monitor.outbox_lag.set(backlog.lag_seconds)
        monitor.outbox_depth.clear()
        for priority, count in backlog.waiting.items():
            monitor.outbox_depth.labels(str(priority)).set(count)
        return web.Response(
            body=generate_latest(monitor.registry),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )

    return [("GET", "/healthz", healthz), ("GET", "/metrics", metrics)]


@asynccontextmanager
async def http_server(host: str, port: int, routes: list[Route]) -> AsyncIterator[None]:
    """Serve ``routes`` on ``host:port`` until the block ends."""
    app = web.Application(client_max_size=1024 * 1024)
    for method, path, handler in routes:
        app.router.add_route(method, path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise HttpServerError(
            f"SAMEN_HTTP_HOST/SAMEN_HTTP_PORT: cannot listen on {host}:{port} ({error.strerror});"
            " choose another port, or 0 to switch the HTTP server off"
        ) from None
    try:
        yield
    finally:
        await runner.cleanup()
