"""Browser tests: the playground page in the system Chromium, driven by Playwright.

They need Debian's ``chromium`` at /usr/bin/chromium (Playwright's own browser download
is never used). Without it they are skipped with a loud line at the end of the run,
unless SAMEN_REQUIRE_BROWSER=1 (set by .ci/run): then a missing browser, or a run in
which no browser test passed, fails the session, so CI never skips them silently.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from datetime import datetime, timedelta
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from bot.playground import Playground

if TYPE_CHECKING:
    from playwright.async_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
HERE = Path(__file__).resolve().parent
SKIPPED: pytest.StashKey[list[str]] = pytest.StashKey()
PASSED: pytest.StashKey[int] = pytest.StashKey()


def required() -> bool:
    return os.environ.get("SAMEN_REQUIRE_BROWSER") == "1"


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)"
    if find_spec("playwright") is None:
        return "the playwright package is missing (make test installs the dev extras)"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SKIPPED] = []
    config.stash[PASSED] = 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" and report.passed and item.get_closest_marker("browser"):
        item.config.stash[PASSED] += 1
    return report


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    skipped = config.stash.get(SKIPPED, [])
    if skipped:
        terminalreporter.write_sep(
            "!", f"BROWSER TESTS SKIPPED ({len(skipped)}): {skipped[0]}", red=True, bold=True
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if required() and session.config.stash.get(PASSED, 0) == 0 and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_sep(
                "!", "SAMEN_REQUIRE_BROWSER=1 but no browser test passed", red=True, bold=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
async def playground(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Playground]:
    reason = missing_browser()
    if reason is not None:
        if required():
            pytest.fail(f"SAMEN_REQUIRE_BROWSER=1 and {reason}")
        request.config.stash[SKIPPED].append(reason)
        pytest.skip(reason)
    running = Playground(
        port=0, folder=tmp_path / "playground", SAMEN_QUIET_HOURS=quiet_hours_far_from_now()
    )
    await running.start()
    yield running
    # The page, like every test, made no request that Telegram would refuse.
    assert running.state.read_violations() == []
    await running.stop()


def quiet_hours_far_from_now() -> str:
    """A short quiet span twelve hours away, so a journey walked now is never held for
    the morning (news to residents waits for quiet hours to end: its own e2e tests)."""
    start = (datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(hours=12)).replace(
        second=0, microsecond=0
    )
    end = start + timedelta(minutes=1)
    return f"{start:%H:%M}-{end:%H:%M}"


Shoot = Callable[[str], Awaitable[Path]]


@pytest.fixture
async def page(playground: Playground, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """The playground page in headless Chromium, live; no script errors allowed."""
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = await browser.new_context(viewport={"width": 1600, "height": 1000})
            opened = await context.new_page()
            errors: list[str] = []
            opened.on("pageerror", lambda error: errors.append(str(error)))
            await opened.goto(playground.url)
            await expect(opened.locator("#status")).to_have_text("Live")
            yield opened
            await opened.screenshot(path=ARTIFACTS / f"{request.node.name}-last.png")
            assert errors == []
        finally:
            await browser.close()


@pytest.fixture
def shoot(page: Page, request: pytest.FixtureRequest) -> Shoot:
    """Save a screenshot of the whole page under artifacts/browser/ (git ignores it)."""

    async def take(step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        await page.screenshot(path=path)
        return path

    return take
