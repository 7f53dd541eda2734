"""The shipped Kolada extract: codes as strings, the identity that ties it together, peers."""

from pathlib import Path

import numpy as np
import pytest

from snanalys.kolada import extract as kolada

EXTERNAL = Path(__file__).resolve().parents[2] / "data" / "external"


@pytest.fixture(scope="module")
def values():
    return kolada.values(EXTERNAL)


def test_codes_are_strings_with_leading_zeros(values):
    assert values["geo"].map(type).eq(str).all()
    assert {"0", "0480", "0114"} <= set(values["geo"])


def test_paid_over_households_is_kronor_per_household(values):
    """Kolada's identity N31857 × 1000 / N31910 ≈ N31849, for every municipality and year."""
    wide = (
        values.loc[values["kpi"].isin(["N31857", "N31910", "N31849"])]
        .pivot_table(index=["geo", "year"], columns="kpi", values="value")
        .dropna()
    )
    assert len(wide) > 1500
    ratio = wide["N31857"] * 1000 / wide["N31910"] / wide["N31849"]
    assert np.nanmedian(np.abs(ratio - 1)) < 0.001
    assert (np.abs(ratio - 1) < 0.02).mean() > 0.99


def test_nykoping_matches_the_brief(values):
    row = values.loc[(values["geo"] == "0480") & (values["year"] == 2022)].set_index("kpi")["value"]
    assert row["N01951"] == 58021
    assert round(row["N31807"], 1) == 4.6
    assert round(row["N31814"], 1) == 53.8
    assert row["N31910"] == 1204  # Kolada's households, where the annual report's table has 1 143


def test_peers_are_the_nearest_in_population(values):
    peers = kolada.similar_size_peers(values, "0480")
    assert len(peers) == 6 and "0480" not in peers and all(len(p) == 4 for p in peers)
    table = kolada.comparison(values, "N31807", "0480", peers)
    assert table.loc[2022, "municipality"] == pytest.approx(4.622, abs=0.001)
    assert table.loc[2022, "peers_n"] == 6


def test_a_missing_extract_is_a_clear_error(tmp_path):
    with pytest.raises(kolada.KoladaDataError, match="data/external"):
        kolada.values(tmp_path)


# Municipality-years of the shipped extract where Kolada's identity does not hold within 0.1 %
IDENTITY_EXCEPTIONS = [
    ("0117", 2018), ("0120", 2018), ("0125", 2017), ("0461", 2018), ("0682", 2018), ("0763", 2018),
    ("0781", 2018), ("1060", 2021), ("1264", 2018), ("1278", 2018), ("1287", 2017), ("1384", 2018),
    ("1430", 2017), ("1462", 2017), ("1730", 2018), ("1762", 2017), ("1781", 2018), ("2101", 2015),
    ("2161", 2017), ("2505", 2018), ("2510", 2021),
]  # fmt: skip


def test_identity_holds_within_a_tenth_of_a_percent_except_the_pinned_list(values):
    exceptions = kolada.identity_exceptions(values, tolerance=0.001)
    assert list(zip(exceptions["geo"], exceptions["year"])) == IDENTITY_EXCEPTIONS


def test_the_data_quality_log_names_them(capsys):
    from snanalys.cli import main

    assert main(["kolada-check", "--external", str(EXTERNAL)]) == 0
    out = capsys.readouterr().out
    assert "1762 2017" in out and f"{len(IDENTITY_EXCEPTIONS)} municipality-years" in out


def test_socialstyrelsen_marks_stay_marked_gaps():
    from snanalys.socialstyrelsen import read_monthly_households

    table = read_monthly_households(EXTERNAL / "socialstyrelsen_ekb_hushall_manad_2017.csv")
    raw = __import__("pandas").read_csv(
        EXTERNAL / "socialstyrelsen_ekb_hushall_manad_2017.csv", dtype=str, keep_default_na=False
    )
    assert (table["mark"] == "X").sum() == (raw["value_raw"] == "X").sum() > 0
    assert (table["mark"] == "--").sum() == (raw["value_raw"] == "--").sum() > 0
    assert table.loc[table["mark"] != "", "households"].isna().all()
    assert table.loc[table["mark"] == "", "households"].notna().all()
    assert table["region_code"].str.len().isin([2, 4]).all() and "0480" in set(table["region_code"])


def test_kolada_check_on_a_missing_folder_is_one_clear_line(tmp_path, capsys):
    from snanalys.cli import main

    assert main(["kolada-check", "--external", str(tmp_path / "nowhere")]) == 3
    err = capsys.readouterr().err
    assert "nowhere is not a folder" in err and "Traceback" not in err
    assert main(["kolada-check", "--external", str(tmp_path)]) == 3  # a folder without the extract
    assert "kolada_ifo_values" in capsys.readouterr().err


def test_peers_default_to_kolada_s_group_and_a_configured_list_overrides(tmp_path):
    import shutil

    shipped = kolada.comparison_extract(EXTERNAL)
    chosen = kolada.peers(shipped, "0480")
    assert chosen.how == "kolada_group" and chosen.group_title == "Liknande kommuner IFO, Nyköping, 2024"
    assert chosen.codes == ["0114", "0183", "0583", "1282", "1293", "1485", "1488"]
    # no group for a code: the nearest in population
    no_groups = kolada.ComparisonExtract(shipped.by_kpi, shipped.geos, shipped.catalog, shipped.names)
    fallback = kolada.peers(no_groups, "0480")
    assert fallback.how == "population" and fallback.codes == kolada.similar_size_peers(
        kolada.kpi_rows(shipped, "N01951"), "0480"
    )
    folder = tmp_path / "external"
    shutil.copytree(EXTERNAL, folder, ignore=shutil.ignore_patterns("fetched", ".*"))
    (folder / "peers.toml").write_text('[peers]\n"0480" = ["0180", "1480"]\n', encoding="utf-8")
    configured = kolada.peers(kolada.comparison_extract(folder), "0480")
    assert configured.how == "configured" and configured.codes == ["0180", "1480"]
    (folder / "peers.toml").write_text('[peers]\n"0480" = [180]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"peers.toml.*four-digit codes"):
        kolada.comparison_extract(folder)


def test_by_sex_where_kolada_splits_the_kpi():
    shipped = kolada.comparison_extract(EXTERNAL)
    table = kolada.by_sex(shipped, "N01951", "0480")
    assert table.loc[2022, "municipality_K"] + table.loc[2022, "municipality_M"] == 58021
    assert kolada.by_sex(shipped, "N31849", "0480").empty  # Kolada has no split of kronor per household
    assert kolada.latest_year(shipped, "0480") == 2022 and shipped.fetched_on is None
