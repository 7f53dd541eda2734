"""One plotting style for every chart the board sees, and charts as accessible HTML.

Colours are the Okabe–Ito palette (safe for the common forms of colour blindness)
and every series also differs by marker or line style, so a chart printed in grey
still reads. A chart reaches the page as a ``<figure>`` with the PNG embedded as a
``data:`` URI, a text alternative, and the table behind it (WCAG 2.1 AA: the data of
a chart must be available as text).

Importing this module never chooses matplotlib's backend: in JupyterLab the analyst's own
``df.plot()`` shows inline as usual. The report's kernels run with ``MPLBACKEND=Agg``
(``snanalys.reporting.kernels``), and every chart here is drawn to a PNG and closed, so no
figure of the package's reaches a page by the backend's display.
"""

from __future__ import annotations

import base64
import html
import io
import math
import textwrap

import matplotlib
import matplotlib.image
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from snanalys.presentation import format_decimal_sv

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LINESTYLES = ["-", "--", "-.", ":", "-", "--", "-."]

STYLE = {
    "figure.figsize": (7.5, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#d0d0d0",
    "grid.linewidth": 0.8,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "legend.frameon": False,
    "axes.formatter.use_locale": False,
}


def apply_style() -> None:
    """Set the project's style for every later matplotlib figure (also in notebooks)."""
    plt.rcParams.update(STYLE)


class SwedishTicks(mticker.Formatter):
    """Tick labels in Swedish (decimal comma, space between thousands) with at least
    ``decimals`` decimals, and as many more as the tick step needs: ticks every 0,25 with
    one decimal would read "1,2" for both 1.2 and 1.25."""

    def __init__(self, decimals: int = 0) -> None:
        self.decimals = decimals
        self._digits = decimals

    def set_locs(self, locs) -> None:
        """Called with the axis' ticks before they are labelled: the step sets the decimals."""
        steps = np.diff(np.sort(np.asarray(locs, dtype=float)))
        steps = steps[steps > 0]
        self._digits = self.decimals
        if len(steps):
            step = float(steps.min())
            while self._digits < 6 and abs(step * 10**self._digits - round(step * 10**self._digits)) > 1e-6:
                self._digits += 1

    def __call__(self, value, pos=None) -> str:
        return format_decimal_sv(value, self._digits)


def _swedish_axis(ax, decimals: int = 0) -> None:
    ax.yaxis.set_major_formatter(SwedishTicks(decimals))


TARGET_COLOUR = "#a4161a"  # dark red, dashed: the committee's target, apart from every series


def line_chart(
    data: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    decimals: int = 0,
    ylim_zero: bool = True,
    target: tuple[str, float | pd.Series] | None = None,
) -> plt.Figure:
    """One line per column of ``data`` over its index (years or months); NaN leaves a gap;
    ``target`` (label, value): the committee's target as a dashed line across the chart, or
    (label, series): its path, the value to reach at each point of the series' index (which may
    go on past the data's, to the target year)."""
    apply_style()
    fig, ax = plt.subplots()
    dashed = {"color": TARGET_COLOUR, "linestyle": (0, (6, 3)), "linewidth": 1.6, "label": None, "zorder": 1}
    if target is not None and not isinstance(target[1], pd.Series):
        ax.axhline(target[1], **{**dashed, "label": target[0]})
    for i, column in enumerate(data.columns):
        ax.plot(
            [str(x) for x in data.index],
            data[column].astype(float),
            label=str(column),
            marker=MARKERS[i % len(MARKERS)],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            color=OKABE_ITO[i % len(OKABE_ITO)],
            linewidth=2,
        )
    if target is not None and isinstance(target[1], pd.Series):
        path = target[1].astype(float)
        ax.plot([str(x) for x in path.index], path, **{**dashed, "label": target[0]}, marker="x")
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    if ylim_zero:
        ax.set_ylim(bottom=0)
    _swedish_axis(ax, decimals)
    if len(data.columns) > 1 or target is not None:
        ax.legend(loc="lower left", ncols=min(len(data.columns) + (target is not None), 3))
    return fig


def small_multiples(panels: list[tuple[str, pd.Series, int]], *, ncols: int = 2) -> plt.Figure:
    """One small line chart per figure (title, values over years, decimals), the latest period
    a larger point of its own colour: the summary's key figures at a glance."""
    apply_style()
    rows = max(1, math.ceil(len(panels) / ncols))
    fig, axes = plt.subplots(rows, ncols, figsize=(7.5, 2.0 * rows), squeeze=False)
    for ax, (title, values, decimals) in zip(axes.flat, panels):
        x = [str(i) for i in values.index]
        y = values.astype(float)
        ax.plot(x, y, color=OKABE_ITO[0], marker="o", markersize=4, linewidth=2)
        shown = y.dropna()
        if len(shown):
            ax.plot([str(shown.index[-1])], [shown.iloc[-1]], marker="o", markersize=9, color=OKABE_ITO[1],
                    linestyle="none", zorder=3)  # fmt: skip
        ax.set_title("\n".join(textwrap.wrap(title, 40)), loc="left", fontsize=9)
        ax.set_ylim(bottom=0)
        ax.tick_params(labelsize=8)
        _swedish_axis(ax, decimals)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def group_labels(groups, width: int = 64) -> list[str]:
    """A bar group's label wrapped to its share of the axis (``width`` characters in all), so that the
    labels of neighbouring groups do not run into each other on a tablet."""
    per_group = max(8, width // max(len(groups), 1))
    return ["\n".join(textwrap.wrap(str(g), per_group)) or str(g) for g in groups]


def bar_chart(data: pd.DataFrame, *, title: str, ylabel: str, decimals: int = 0) -> plt.Figure:
    """Grouped bars: one group per index value, one bar per column, hatched for print."""
    apply_style()
    fig, ax = plt.subplots()
    n = max(len(data.columns), 1)
    width = 0.8 / n
    hatches = ["", "//", "..", "xx", "\\\\", "++"]
    positions = range(len(data.index))
    for i, column in enumerate(data.columns):
        ax.bar(
            [p - 0.4 + width * (i + 0.5) for p in positions],
            data[column].astype(float).fillna(0),
            width=width,
            label=str(column),
            color=OKABE_ITO[i % len(OKABE_ITO)],
            hatch=hatches[i % len(hatches)],
            edgecolor="white",
        )
    ax.set_xticks(list(positions), group_labels(data.index))
    legend = len(data.columns) > 1
    ax.set_title(title, loc="left", pad=24 if legend else None)
    ax.set_ylabel(ylabel)
    _swedish_axis(ax, decimals)
    if legend:  # above the bars, under the title: bars go below zero too, where a legend would hide them
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=min(len(data.columns), 3), borderaxespad=0.2)
    return fig


def figure_png_data_uri(fig: plt.Figure) -> str:
    """The chart as a PNG ``data:`` URI, cropped to what was drawn (titles, tick labels,
    legend) plus a margin, as ``savefig(bbox_inches="tight")`` crops it.

    Why not that call: it draws the figure twice (once to measure, once to render), and the
    charts are the largest part of a report's work in the kernels. Here the figure is drawn once, measured
    on that drawing and cropped. A chart whose drawing reaches past the canvas (a wide
    legend) is drawn again on a canvas of the measured size, as savefig would.
    """
    buffer = io.BytesIO()
    dpi = plt.rcParams["savefig.dpi"]
    dpi = fig.dpi if dpi == "figure" else dpi
    pad = plt.rcParams["savefig.pad_inches"]
    fig.set_dpi(dpi)
    fig.canvas.draw()
    tight = fig.get_tightbbox(fig.canvas.get_renderer()).padded(pad)
    width, height = fig.get_size_inches()
    # no "Software" text chunk (matplotlib's version): the same chart gives the same bytes
    metadata = {"Software": None}
    if tight.x0 >= 0 and tight.y0 >= 0 and tight.x1 <= width and tight.y1 <= height:
        left, right = math.floor(tight.x0 * dpi), math.ceil(tight.x1 * dpi)
        top, bottom = math.floor((height - tight.y1) * dpi), math.ceil((height - tight.y0) * dpi)
        pixels = np.asarray(fig.canvas.buffer_rgba())[top:bottom, left:right]
        matplotlib.image.imsave(buffer, pixels, format="png", origin="upper", dpi=dpi, metadata=metadata)
    else:
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches=tight, metadata=metadata)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_html(fig: plt.Figure, *, alt: str, caption: str, table_html: str = "") -> str:
    """The chart as a ``<figure>``: embedded image, text alternative, caption, data table."""
    details = (
        f"<details class='chart-data'><summary>Visa data bakom diagrammet</summary>{table_html}</details>"
        if table_html
        else ""
    )
    return (
        "<figure class='chart'>"
        f"<img src='{figure_png_data_uri(fig)}' alt='{html.escape(alt, quote=True)}'>"
        f"<figcaption>{html.escape(caption)}</figcaption>{details}</figure>"
    )
