"""Charts leave the kernel as PNGs cropped like ``savefig(bbox_inches="tight")``, drawn once."""

import base64
import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from PIL import Image

from snanalys import charts


def _png(uri: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L")).astype(int)


def _tight(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return np.asarray(Image.open(buffer).convert("L")).astype(int)


def _chart(columns: dict) -> plt.Figure:
    data = pd.DataFrame(columns, index=[2022, 2023, 2024, 2025])
    return charts.line_chart(data, title="Hushåll med ekonomiskt bistånd", ylabel="hushåll")


def test_a_chart_is_cropped_as_savefig_tight_crops_it():
    series = {"Kvinnor": [120, 131, 128, 140], "Män": [98, 102, 110, 104]}
    ours, theirs = _png(charts.figure_png_data_uri(_chart(series))), _tight(_chart(series))
    assert abs(ours.shape[0] - theirs.shape[0]) <= 2 and abs(ours.shape[1] - theirs.shape[1]) <= 2
    # the same picture, at most a fraction of a pixel apart
    h, w = min(ours.shape[0], theirs.shape[0]), min(ours.shape[1], theirs.shape[1])
    best = min(np.abs(ours[dy:h, dx:w] - theirs[: h - dy, : w - dx]).mean() for dy in (0, 1, 2) for dx in (0, 1, 2))
    assert best < 6


def test_a_chart_drawn_past_its_canvas_is_the_savefig_tight_image():
    series = {
        "Barn och unga, institution/upphandlade familjehem": [2800, 3100, 2900, 4700],
        "Vuxna, institution och stödboende": [None, 2600, 2400, None],
    }
    ours, theirs = _png(charts.figure_png_data_uri(_chart(series))), _tight(_chart(series))
    assert ours.shape[1] > 7.5 * 110  # the legend reaches past the canvas
    assert np.array_equal(ours, theirs)


def _tick_labels(fig) -> list[str]:
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels() if ax.get_ylim()[0] <= t.get_position()[1] <= ax.get_ylim()[1]]
    plt.close(fig)
    return labels


def test_tick_labels_are_distinct_when_the_step_needs_more_decimals():
    """Kolada shares 1.0–1.6 %: ticks every 0,25 must not read 1,2 and 1,2."""
    data = pd.DataFrame({"Kommun": [1.0, 1.3, 1.45, 1.6]}, index=[2022, 2023, 2024, 2025])
    labels = _tick_labels(charts.line_chart(data, title="", ylabel="procent", decimals=1, ylim_zero=False))
    assert len(labels) == len(set(labels)) >= 3
    assert all("," in label for label in labels)  # decimal comma, never a point


def test_tick_labels_keep_the_asked_decimals_and_swedish_thousands():
    data = pd.DataFrame({"Kommun": [1000, 3000, 5000, 7000]}, index=[2022, 2023, 2024, 2025])
    labels = _tick_labels(charts.line_chart(data, title="", ylabel="hushåll"))
    assert len(labels) == len(set(labels))
    assert any("\u00a0000" in label or " 000" in label for label in labels) and not any("," in x for x in labels)
    formatter = charts.SwedishTicks(1)
    formatter.set_locs([0.0, 0.5, 1.0])
    assert formatter(0.5) == "0,5" and formatter(1.0) == "1,0"
    formatter.set_locs([1.0, 1.25, 1.5])
    assert [formatter(v) for v in (1.0, 1.25)] == ["1,00", "1,25"]


def test_a_target_is_a_dashed_line_of_its_own_in_the_legend():
    data = pd.DataFrame({"2024": [640.0, 655.0], "2025": [690.0, 700.0]}, index=["jan", "feb"])
    fig = charts.line_chart(data, title="t", ylabel="hushåll", target=("Mål: under 600", 600.0))
    ax = fig.axes[0]
    target = [line for line in ax.get_lines() if line.get_label() == "Mål: under 600"]
    assert len(target) == 1 and set(target[0].get_ydata()) == {600.0}
    assert target[0].get_color() == charts.TARGET_COLOUR and target[0].get_linestyle() != "-"
    assert "Mål: under 600" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)


def test_a_target_path_is_drawn_past_the_data_to_the_target_year():
    import pandas as pd

    from snanalys import charts

    data = pd.DataFrame({"Vuxna": [10.0, 9.0]}, index=["2023", "2024"])
    fig = charts.line_chart(data, title="t", ylabel="p", target=("Mål", pd.Series({"2023": 10.0, "2026": 5.0})))
    ax = fig.axes[0]
    path = next(line for line in ax.get_lines() if line.get_label() == "Mål")
    assert list(path.get_ydata()) == [10.0, 5.0] and len(ax.get_xticks()) == 3


def test_the_labels_of_neighbouring_bar_groups_do_not_overlap():
    areas = ["Ekonomiskt bistånd", "HVB-vård barn och unga", "Familjehem", "Placeringar vuxna"]
    data = pd.DataFrame({"Volymeffekt": [1200.0, -800, -3500, 300], "Priseffekt": [400.0, 900, -200, 100]}, index=areas)
    fig = charts.bar_chart(data, title="Kostnadsökning mot i fjol: volym och pris", ylabel="tkr")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [label.get_window_extent(renderer) for label in fig.axes[0].get_xticklabels()]
    legend = fig.axes[0].get_legend().get_window_extent(renderer)
    plot_area = fig.axes[0].get_window_extent(renderer)
    title = fig.axes[0].title.get_window_extent(renderer)
    plt.close(fig)
    assert plot_area.y1 <= legend.y0 and legend.y1 <= title.y0  # the legend hides no bar, nor the title
    assert [label.replace("\n", " ") for label in charts.group_labels(areas)] == areas  # wrapped, not cut
    assert all(left.x1 < right.x0 for left, right in zip(boxes, boxes[1:]))
