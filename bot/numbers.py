"""The numbers shown to coordinators: as text, and as a chart of the last 12 weeks.

The chart uses matplotlib with the Agg backend: no display needed, safe on a server.
It is made to be read on a phone: one narrow column of panels, large letters, a
few whole-number ticks, and hours on a panel of their own (never mixed with counts).
"""

from __future__ import annotations

import html
import io
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from babel.numbers import format_decimal
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from bot.i18n import Translator
from bot.services.stats import Few, Later, Report, Section, Series, Value

COLOURS = ("#2a7ab0", "#e07b39", "#5aa469", "#c94f4f", "#8a6bbf", "#888888")
HIDDEN_GREY = "#dddddd"  # the band of counts too small to show
FONT_SIZE = 15
PANEL_INCHES = (7.0, 3.6)  # width, height of one panel
DPI = 130  # about 900 pixels wide: sharp on a phone without zooming
WEEK_TICK_EVERY = 3


def format_value(value: Value, t: Translator) -> str:
    """One week's value as text: a number, "< 5", "…" (week not over) or "–" (nothing)."""
    if value is None:
        return "–"
    if isinstance(value, Few):
        return t._("< %(limit)s", limit=value.limit)
    if isinstance(value, Later):
        return "…"
    return format_decimal(value, locale=t.locale)


def render_text(report: Report, t: Translator) -> str:
    """This week and last week per line, and the state right now (Telegram HTML)."""

    def value_html(value: Value) -> str:
        return html.escape(format_value(value, t))

    if not report.sections:
        return t._("No numbers yet.")
    lines = [t._("<b>Samen in numbers</b> (this week · last week)")]
    for section in report.sections:
        lines.append("")
        lines.append(f"<b>{t._(section.title)}</b>")
        for label, value in section.totals:
            lines.append(
                t._("• %(label)s now: %(value)s", label=t._(label), value=value_html(value))
            )
        for series in section.series:
            lines.append(
                f"• {t._(series.label)}: {value_html(series.values[-1])}"
                f" · {value_html(series.values[-2])}"
            )
    if any(series.sensitive for section in report.sections for series in section.series):
        lines.append("")
        lines.append(_protection_note(report, t))
    return "\n".join(lines)


def _protection_note(report: Report, t: Translator) -> str:
    return t._(
        "<i>About feelings and health: fewer than %(limit)s shows as “%(few)s”, "
        "other counts are rounded to %(limit)s, and “…” means the week is not over yet. "
        "So no one's answers can be seen.</i>",
        limit=report.min_count,
        few=html.escape(format_value(Few(report.min_count), t)),
    )


def render_png(report: Report, t: Translator) -> bytes:
    with plt.rc_context({"font.size": FONT_SIZE}):
        figure = draw_chart(report, t)
        try:
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=DPI)
            return buffer.getvalue()
        finally:
            plt.close(figure)


def draw_chart(report: Report, t: Translator) -> Figure:
    """One panel per section's counts, one more for its hours; the caller closes it."""
    panels = [
        (section, group) for section in report.sections for group in _panel_groups(section) if group
    ]
    width, height = PANEL_INCHES
    figure, axes = plt.subplots(
        max(1, len(panels)),
        1,
        figsize=(width, height * max(1, len(panels)) + 0.8),
        squeeze=False,
        layout="constrained",
    )
    labels = [t._("wk %(week)s", week=w.isocalendar().week) for w in report.weeks]
    # The newest week always has a label; every third one back from it too.
    ticks = list(range(len(labels) - 1, -1, -WEEK_TICK_EVERY))[::-1]
    for axis, (section, group) in zip(axes[:, 0], panels, strict=False):
        _draw_panel(axis, section, group, report, t)
        axis.set_xticks(ticks, [labels[i] for i in ticks])
    figure.suptitle(t._("Samen – the last 12 weeks"), fontsize=FONT_SIZE + 3)
    return figure


def _panel_groups(section: Section) -> tuple[list[Series], list[Series]]:
    """A section's counts, and its hours on a panel of their own."""
    return (
        [s for s in section.series if not s.hours],
        [s for s in section.series if s.hours],
    )


def _draw_panel(
    axis: Axes, section: Section, group: list[Series], report: Report, t: Translator
) -> None:
    hours = group[0].hours
    weeks = range(len(report.weeks))
    hidden = any(isinstance(v, Few) for series in group for v in series.values)
    if hidden:
        axis.axhspan(0, report.min_count, color=HIDDEN_GREY, zorder=0)
    for colour, series in zip(COLOURS, group, strict=False):
        shown = [_plotted(v) for v in series.values]
        axis.plot(weeks, shown, marker="o", color=colour, linewidth=2.5, label=t._(series.label))
        few = [report.min_count / 2 if isinstance(v, Few) else math.nan for v in series.values]
        axis.plot(weeks, few, linestyle="none", marker="o", markerfacecolor="white", color=colour)
    title = t._(section.title)
    if hours:
        title = t._("%(section)s: hours", section=title)
    axis.set_title(title, loc="left", fontweight="bold")
    axis.grid(axis="y", alpha=0.3)
    axis.set_ylim(bottom=0, top=max(_highest(group) * 1.15, report.min_count if hidden else 1))
    axis.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    handles, labels = axis.get_legend_handles_labels()
    if hidden:
        handles.append(Rectangle((0, 0), 1, 1, color=HIDDEN_GREY))
        labels.append(t._("fewer than %(limit)s: not shown", limit=report.min_count))
    axis.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.12),
        fontsize=FONT_SIZE - 3,
        frameon=False,
        ncol=2,
    )


def _plotted(value: Value) -> float:
    """The height to draw a value at; hidden and missing values are gaps in the line."""
    return value if isinstance(value, float | int) else math.nan


def _highest(group: list[Series]) -> float:
    heights = [_plotted(v) for series in group for v in series.values]
    return max((h for h in heights if not math.isnan(h)), default=0.0)
