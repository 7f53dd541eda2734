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
    series = {"Barn och unga, institution/upphandlade familjehem": [2800, 3100, 2900, 4700],
              "Vuxna, institution och stödboende": [None, 2600, 2400, None]}
    ours, theirs = _png(charts.figure_png_data_uri(_chart(series))), _tight(_chart(series))
    assert ours.shape[1] > 7.5 * 110  # the legend reaches past the canvas
    assert np.array_equal(ours, theirs)
