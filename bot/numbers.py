"""The numbers shown to coordinators: as text, and as a chart of the last 12 weeks.

The chart uses matplotlib with the Agg backend: no display needed, safe on a server.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from babel.numbers import format_decimal

from bot.i18n import Translator
from bot.services.stats import Report

COLOURS = ("#2a7ab0", "#e07b39", "#5aa469", "#c94f4f", "#8a6bbf", "#888888")


def render_text(report: Report, t: Translator) -> str:
    """This week and last week per line, and the state right now."""

    def number(value: float | None) -> str:
        return "–" if value is None else format_decimal(value, locale=t.locale)

    if not report.sections:
        return t._("No numbers yet.")
    lines = [t._("<b>Samen in numbers</b> (this week · last week)")]
    for section in report.sections:
        lines.append("")
        lines.append(f"<b>{t._(section.title)}</b>")
        for label, value in section.totals:
            lines.append(t._("• %(label)s now: %(value)s", label=t._(label), value=number(value)))
        for series in section.series:
            lines.append(
                f"• {t._(series.label)}: {number(series.values[-1])} · {number(series.values[-2])}"
            )
    return "\n".join(lines)


def render_png(report: Report, t: Translator) -> bytes:
    sections = [s for s in report.sections if s.series]
    rows = max(1, len(sections))
    figure, axes = plt.subplots(rows, 1, figsize=(9, 2.6 * rows), squeeze=False)
    labels = [t._("wk %(week)s", week=w.isocalendar().week) for w in report.weeks]
    try:
        for axis, section in zip(axes[:, 0], sections, strict=False):
            for colour, series in zip(COLOURS, section.series, strict=False):
                values = [float("nan") if v is None else v for v in series.values]
                axis.plot(labels, values, marker="o", color=colour, label=t._(series.label))
            axis.set_title(t._(section.title), loc="left", fontsize=12, fontweight="bold")
            axis.grid(axis="y", alpha=0.3)
            axis.set_ylim(bottom=0)
            axis.legend(loc="upper left", fontsize=8, frameon=False)
            axis.tick_params(axis="x", labelsize=8)
        figure.suptitle(t._("Samen – the last 12 weeks"), fontsize=14)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()
    finally:
        plt.close(figure)
