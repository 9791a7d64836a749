"""The charts of the statistics window, built from the numbers of ``core.stats``.

Plain functions that make a new ``QChart`` each time (a view owns its chart and
releases the old one). Titles and names arrive translated: the statistics view
keeps its texts, so they stay in its translation context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QColor

from moderator_gui.core.policy import Category

# A chart with hundreds of reviewer bars is unreadable; the table lists them all.
MAX_REVIEWER_BARS = 20
EVENT_KINDS = ("decide", "skip", "escalate")
KIND_COLOURS = {"decide": "#2563eb", "skip": "#9ca3af", "escalate": "#d97706"}
AGE_COLOUR = "#0d9488"
DAY_COLOUR = "#2563eb"
DAY_LABEL_WIDTH_PX = 48  # an "MM-dd" label plus spacing


def day_range(by_day: dict[str, int]) -> list[tuple[date, int]]:
    """Every day from the first to the last with a count (0 on days without decisions),
    so that a quiet day shows as a dip instead of being skipped by the line."""
    if not by_day:
        return []
    days = sorted(date.fromisoformat(d) for d in by_day)
    out = []
    d = days[0]
    while d <= days[-1]:
        out.append((d, by_day.get(d.isoformat(), 0)))
        d += timedelta(days=1)
    return out


def _midnight(d: date) -> QDateTime:
    """Local midnight of the calendar date ``d``."""
    return QDateTime(QDate(d.year, d.month, d.day), QTime(0, 0))


def _day_msecs(d: date) -> int:
    """A UTC day as a point on QDateTimeAxis, which labels in local time: local midnight of
    that calendar date, so the axis shows the UTC day's own date in every time zone."""
    return _midnight(d).toMSecsSinceEpoch()


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)  # instant: a refresh must not lag
    chart.legend().setVisible(False)
    chart.setMargins(chart.margins() * 0)
    return chart


def _label_axis(labels: list[str]) -> QBarCategoryAxis:
    """Category names in full: a long Chinese or English label is worth a narrower plot."""
    axis = QBarCategoryAxis()
    axis.append(labels)
    axis.setTruncateLabels(False)
    return axis


def _value_axis(maximum: int) -> QValueAxis:
    """A count axis from 0 with whole-number labels (an empty chart still gets a 0–1 scale)."""
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setRange(0, max(maximum, 1))
    axis.applyNiceNumbers()
    return axis


def category_chart(title: str, categories: Sequence[Category], by_category: dict[str, int], lang: str) -> QChart:
    """One horizontal bar per category in its policy colour (a stacked series with one
    set per category, each set non-zero only at its own row, is how QtCharts colours bars singly)."""
    chart = _chart(title)
    cats = list(reversed(categories))  # first category at the top
    series = QHorizontalStackedBarSeries()
    for i, cat in enumerate(cats):
        bar = QBarSet(cat.label.get(lang))
        bar.append([float(by_category.get(cat.code, 0)) if j == i else 0.0 for j in range(len(cats))])
        bar.setColor(QColor(cat.colour))
        bar.setBorderColor(QColor(cat.colour))
        series.append(bar)
    series.setBarWidth(0.7)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    axis_y = _label_axis([c.label.get(lang) for c in cats])
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = _value_axis(max(by_category.values(), default=0))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    return chart


def day_chart(title: str, series_name: str, by_day: dict[str, int], width_px: int) -> QChart:
    """Decisions per UTC day as a line, with a point on every day (quiet days at 0)."""
    chart = _chart(title)
    days = day_range(by_day)
    series = QLineSeries()
    series.setName(series_name)
    series.setPointsVisible(True)
    series.setColor(QColor(DAY_COLOUR))
    for d, count in days:
        series.append(_day_msecs(d), count)
    chart.addSeries(series)
    axis_x = QDateTimeAxis()
    axis_x.setFormat("MM-dd")
    axis_x.setTruncateLabels(False)
    if days:
        first, last = days[0][0], days[-1][0]
        axis_x.setRange(
            _midnight(first - timedelta(days=1)),
            _midnight(last + timedelta(days=1)),
        )
        # One tick per day while the labels fit side by side (the axis cannot skip labels).
        fitting = max(3, width_px // DAY_LABEL_WIDTH_PX)
        axis_x.setTickCount(min(len(days) + 2, fitting))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    axis_y = _value_axis(max((c for _, c in days), default=0))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    return chart


def reviewer_chart(title: str, by_reviewer: dict[str, dict[str, int]], kind_name: Callable[[str], str]) -> QChart:
    """Events per reviewer, stacked by kind, the busiest MAX_REVIEWER_BARS at the top."""
    chart = _chart(title)
    chart.legend().setVisible(True)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    top = sorted(by_reviewer.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:MAX_REVIEWER_BARS]
    top.reverse()  # busiest at the top
    series = QHorizontalStackedBarSeries()
    for kind in EVENT_KINDS:
        bar = QBarSet(kind_name(kind))
        bar.append([float(kinds.get(kind, 0)) for _, kinds in top])
        bar.setColor(QColor(KIND_COLOURS[kind]))
        series.append(bar)
    chart.addSeries(series)
    axis_y = _label_axis([name for name, _ in top])
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = _value_axis(max((sum(k.values()) for _, k in top), default=0))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    return chart


def single_bars(title: str, labels: list[str], values: list[int], colour: str) -> QChart:
    """One bar per label, in one colour, the first label at the top."""
    chart = _chart(title)
    series = QHorizontalBarSeries()
    bar = QBarSet(title)
    bar.append([float(v) for v in reversed(values)])
    bar.setColor(QColor(colour))
    series.append(bar)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    axis_y = _label_axis(list(reversed(labels)))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = _value_axis(max(values, default=0))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    return chart
