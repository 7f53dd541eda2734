"""SCB's population by municipality, sex and age (PxWebApi v2, json-stat2).

``GET {base}/tables/{table}/data?lang=sv&outputFormat=json-stat2&valueCodes[Var]=a,b``
answers one json-stat2 dataset: ``id`` (the dimensions in order), ``size``, ``dimension``
(each with ``category.index`` code -> position and ``category.label``) and ``value`` in
row-major order; ``updated`` says when SCB published it. A real answer of this shape is in
``tests/external/responses/scb_TAB6471_jsonstat2.json``.

The table is TAB638 (population 31 December by region, marital status, age and sex);
marital status is left out of the request, so SCB sums over it. The result is written in
the format of ``befolkning.csv`` (data/raw/README.md): the age groups the measures use.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

import numpy as np
import pandas as pd

from snanalys.external.http import FetchError, JsonSource

BASE_URL = "https://api.scb.se/ov0104/v2beta/api/v2"
TABLE = "TAB638"
CONTENTS = "BE0101N1"  # folkmängd
SEX = {"1": "M", "2": "K"}
AGE_GROUPS = [(0, 17, "0-17"), (18, 20, "18-20"), (21, 64, "21-64"), (65, 200, "65-W")]
BEFOLKNING_COLUMNS = ["kommunkod", "ar", "juridiskt_kon", "aldersgrupp", "antal"]


def jsonstat2_frame(body: dict) -> pd.DataFrame:
    """One row per cell: a column per dimension (its codes) and ``value`` (NaN where null)."""
    try:
        ids, sizes, dims, values = body["id"], body["size"], body["dimension"], body["value"]
    except (KeyError, TypeError) as error:
        raise FetchError(f"not a json-stat2 dataset (missing {error})") from error
    if isinstance(values, dict):  # json-stat2 allows a sparse {position: value}
        dense = [None] * int(np.prod(sizes))
        for position, value in values.items():
            dense[int(position)] = value
        values = dense
    if len(values) != int(np.prod(sizes)):
        raise FetchError(f"json-stat2: {len(values)} values for dimensions of sizes {sizes}")
    codes = []
    for dim in ids:
        index = dims[dim]["category"]["index"]
        ordered = sorted(index, key=index.get) if isinstance(index, dict) else list(index)
        codes.append(ordered)
    grid = pd.MultiIndex.from_product(codes, names=ids).to_frame(index=False)
    grid["value"] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype("float64")
    return grid


def _age(code: str) -> int:
    return int(str(code).rstrip("+").split("-")[0])


def befolkning(frame: pd.DataFrame) -> pd.DataFrame:
    """TAB638's cells (Region, Alder in single years, Kon, Tid) in befolkning.csv's format."""
    out = frame.loc[frame["Kon"].isin(SEX)].copy()
    ages = out["Alder"].map(_age)
    out["aldersgrupp"] = None
    for low, high, label in AGE_GROUPS:
        out.loc[(ages >= low) & (ages <= high), "aldersgrupp"] = label
    out = out.dropna(subset=["aldersgrupp"])
    table = (
        out.assign(kommunkod=out["Region"], ar=out["Tid"].astype(int), juridiskt_kon=out["Kon"].map(SEX))
        .groupby(["kommunkod", "ar", "juridiskt_kon", "aldersgrupp"], as_index=False)["value"]
        .sum(min_count=1)
        .rename(columns={"value": "antal"})
    )
    table["antal"] = table["antal"].astype("Int64")
    return table[BEFOLKNING_COLUMNS]


class ScbSource:
    def __init__(self, source: JsonSource, base_url: str = BASE_URL, table: str = TABLE):
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.table = table

    def population(self, municipalities: Sequence[str], years: Sequence[int]) -> tuple[pd.DataFrame, str | None]:
        """befolkning.csv rows for ``municipalities`` and ``years``, and SCB's ``updated`` stamp."""
        query = {
            "Region": ",".join(municipalities),
            "Alder": "*",
            "Kon": ",".join(SEX),
            "ContentsCode": CONTENTS,
            "Tid": ",".join(str(y) for y in years),
        }
        params = "&".join(f"valueCodes[{k}]={quote(v, safe=',*')}" for k, v in query.items())
        url = f"{self.base_url}/tables/{self.table}/data?lang=sv&outputFormat=json-stat2&{params}"
        body = self.source.get_json(url)
        return befolkning(jsonstat2_frame(body)), body.get("updated")
