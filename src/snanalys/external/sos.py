"""Socialstyrelsen's statistical database: households with economic assistance by month.

Built on the database's documented open API (``https://sdb.socialstyrelsen.se/api/v1/sv``,
documentation page ``https://sdb.socialstyrelsen.se/sdbapi.aspx``; the shape as read in the
R client kerni714/HealthWelfareStatDB and in public pipelines that call it):

* ``GET /{dataset}`` lists the dataset's variables; ``GET /{dataset}/{variable}`` its
  categories ``[{"id", "text"}]``;
* ``GET /{dataset}/resultat/{variable}/{ids}/…?per_sida=5000&sida=N`` answers
  ``{"data": [{"<variable>Id": …, "ar": …, "varde": …}], "sidor": n, "nasta_sida": url|null}``;
  lists are comma-separated, except ``matt`` (one measure per request).

The monthly dataset is ``ekonomisktbistandmanad`` (the id public scrapers use). Its API
variable names were not available here; they are read from the dataset's variable list,
assuming ``region``, ``ar``, ``manad`` and ``matt`` as in the other datasets, and taking the
remaining variable as the households' origin (the form's "UTRIKES_HUSH"). Not verified
against the live API: see docs/external_data.md.

Output: the long format of ``data/external/socialstyrelsen_ekb_hushall_manad_2017.csv``
(``region_code, region_name, hushall_ursprung, year, month, value_raw``), ``value_raw``
keeping "X" (suppressed) and "--" (missing) as published; a missing ``varde`` is "--".
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urljoin

import pandas as pd

from snanalys.external.http import FetchError, JsonSource

BASE_URL = "https://sdb.socialstyrelsen.se/api/v1/sv"
DATASET = "ekonomisktbistandmanad"
COLUMNS = ["region_code", "region_name", "hushall_ursprung", "year", "month", "value_raw"]
KNOWN = ("region", "ar", "manad", "matt")
HOUSEHOLDS = "hushåll"  # the measure whose text names households ("Antal biståndshushåll")


def _name(variable) -> str:
    if isinstance(variable, dict):
        for key in ("namn", "name", "id", "variabel"):
            if variable.get(key):
                return str(variable[key])
    return str(variable)


def _listing(body) -> list:
    return body.get("data", body.get("values", [])) if isinstance(body, dict) else list(body or [])


def region_code(region_id) -> str:
    """Socialstyrelsen's region id as a code: 0 -> "00" (Riket), counties 2 digits, municipalities 4."""
    number = int(str(region_id))
    if number == 0:
        return "00"
    return f"{number:02d}" if number < 100 else f"{number:04d}"


def _value_raw(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "--"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value).strip()


class SocialstyrelsenSource:
    def __init__(self, source: JsonSource, base_url: str = BASE_URL, dataset: str = DATASET):
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.dataset = dataset

    def _get(self, path: str):
        return self.source.get_json(f"{self.base_url}/{self.dataset}{path}")

    def variables(self) -> list[str]:
        return [_name(v) for v in _listing(self._get(""))]

    def categories(self, variable: str) -> pd.DataFrame:
        rows = [{"id": str(c.get("id")), "text": str(c.get("text", ""))} for c in _listing(self._get(f"/{variable}"))]
        return pd.DataFrame(rows, columns=["id", "text"])

    def households_by_month(self, regions: Sequence[str], years: Sequence[int]) -> pd.DataFrame:
        """Households per month for ``regions`` (municipality codes, "00" the country) and ``years``."""
        variables = self.variables()
        missing = [v for v in KNOWN if v not in variables]
        if missing:
            raise FetchError(f"{self.dataset}: variables {missing} not among {variables} (the API changed?)")
        others = [v for v in variables if v not in KNOWN]
        measures = self.categories("matt")
        household = measures.loc[measures["text"].str.casefold().str.contains(HOUSEHOLDS)]
        if household.empty:
            raise FetchError(f"{self.dataset}: no measure about households among {list(measures['text'])}")
        measure = household["id"].iloc[0]
        region_names = dict(self.categories("region").itertuples(index=False))
        wanted = [str(int(code)) for code in regions]
        ids = [r for r in wanted if r in region_names]
        if not ids:
            return pd.DataFrame(columns=COLUMNS)
        origin_var = others[0] if others else None
        origin_names = dict(self.categories(origin_var).itertuples(index=False)) if origin_var else {}
        path = f"/resultat/matt/{measure}/region/{','.join(ids)}/ar/{','.join(str(y) for y in years)}"
        if origin_var:
            path += f"/{origin_var}/{','.join(origin_names)}"
        rows = []
        url = f"{self.base_url}/{self.dataset}{path}?per_sida=5000&sida=1"
        seen = set()
        while url and url not in seen:
            seen.add(url)
            body = self.source.get_json(url)
            for record in _listing(body):
                region = str(record.get("regionId"))
                rows.append(
                    {
                        "region_code": region_code(region),
                        "region_name": region_names.get(region, ""),
                        "hushall_ursprung": origin_names.get(str(record.get(f"{origin_var}Id")), "")
                        if origin_var
                        else "Samtliga",
                        "year": int(record.get("ar")),
                        "month": int(record.get("manadId", record.get("manad"))),
                        "value_raw": _value_raw(record.get("varde")),
                    }
                )
            following = body.get("nasta_sida") if isinstance(body, dict) else None
            url = urljoin(url, following) if following else None  # absolute or relative to this page
        frame = pd.DataFrame(rows, columns=COLUMNS)
        return frame.sort_values(["region_code", "hushall_ursprung", "year", "month"], kind="stable").reset_index(
            drop=True
        )
