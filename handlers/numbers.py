"""/stats (the numbers, as text and a chart) and /audit (who did what) for coordinators."""

from __future__ import annotations

import asyncio
import html
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.numbers import render_png, render_text
from bot.services.roles import Role
from handlers.auth import requires
from handlers.commands import names
from handlers.common import send_with_menu
from handlers.context import SamenContext

AUDIT_LINES = 20


@requires(Role.COORDINATOR)
async def show_stats(update: Update, ctx: SamenContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    report = await ctx.services.stats.report()
    await send_with_menu(update, ctx, render_text(report, ctx.t))
    if any(section.series for section in report.sections):
        # Drawing takes a moment of CPU; keep the bot answering others meanwhile.
        png = await asyncio.to_thread(render_png, report, ctx.t)
        await ctx.bot.send_photo(
            chat.id,
            InputFile(png, filename="samen-stats.png"),
            caption=ctx.t._("The last 12 weeks"),
        )


@requires(Role.COORDINATOR)
async def show_audit(update: Update, ctx: SamenContext) -> None:
    entries = await ctx.services.audit.latest(AUDIT_LINES)
    if not entries:
        await send_with_menu(update, ctx, ctx.t._("Nothing has been recorded yet."))
        return
    lines = [ctx.t._("<b>Latest actions</b> (newest first)")]
    for entry in entries:
        actor = str(entry.actor_id) if entry.actor_id is not None else "–"
        subject = f" → {entry.subject_id}" if entry.subject_id is not None else ""
        detail = f" ({html.escape(entry.detail)})" if entry.detail else ""
        lines.append(
            f"{ctx.t.datetime(entry.at, short=True)} · {actor} · "
            f"{html.escape(entry.action)}{subject}{detail}"
        )
    await send_with_menu(update, ctx, "\n".join(lines))


def numbers_handlers() -> list[BaseHandler[Update, Any, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler(names("stats"), show_stats, filters=private),
        CommandHandler(names("audit"), show_audit, filters=private),
    ]
