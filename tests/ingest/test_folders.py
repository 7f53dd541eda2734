"""One rule for which folders are municipalities (snanalys.folders): four-digit names, each with
uttag.json; dot-folders, examples/ and other names are not data. The same for the CLI and the ingest."""

from __future__ import annotations

import json
import shutil

import pytest

from snanalys.cli import main
from snanalys.data import DataNotFoundError, municipality_dirs
from snanalys.folders import municipality_folders, raw_municipality_dirs
from snanalys.ingest import IngestError, ingest_all

from rawfolder import KEY, RawFolder


@pytest.fixture
def raw_root(tmp_path):
    """data/raw with 0480, a hidden copy of it, an examples/ folder and other names that are not data."""
    root = tmp_path / "data" / "raw"
    folder = RawFolder().write(root)
    shutil.copytree(folder, root / ".0480-backup")
    shutil.copytree(folder, root / "examples" / "procapita_like")
    shutil.copytree(folder, root / "480")  # a mistyped code is not a municipality either
    (root / "README.md").write_text("formats\n", encoding="utf-8")
    (root / "0999").write_text("a file, not a folder\n", encoding="utf-8")
    return root


def test_only_four_digit_folders_are_municipalities(raw_root):
    assert [d.name for d in municipality_folders(raw_root)] == ["0480"]
    assert [d.name for d in raw_municipality_dirs(raw_root)] == ["0480"]
    assert municipality_folders(raw_root / "missing") == []


def test_the_cli_ingests_what_the_ingest_would(raw_root, monkeypatch, capsys):
    """The CLI once took the hidden copy for a municipality (and failed on its name)."""
    monkeypatch.setenv("SNANALYS_PSEUDONYM_KEY", KEY.decode())
    assert main(["--data-dir", str(raw_root.parent), "ingest"]) == 0, capsys.readouterr().err
    assert [d.name for d in municipality_dirs(raw_root.parent / "processed")] == ["0480"]
    assert "ingested 0480" in capsys.readouterr().err


def test_a_four_digit_folder_without_uttag_json_is_an_error_not_skipped(raw_root, tmp_path, monkeypatch, capsys):
    half = raw_root / "0481"
    half.mkdir()
    (half / "ekb_utbetalningar.csv").write_text("kommunkod\n0481\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ingest_all(raw_root, tmp_path / "processed", key=KEY)
    assert (info.value.file, info.value.row, info.value.column) == ("0481/uttag.json", None, None)
    assert "filen saknas" in str(info.value) and not (tmp_path / "processed").exists()
    monkeypatch.setenv("SNANALYS_PSEUDONYM_KEY", KEY.decode())
    assert main(["--data-dir", str(raw_root.parent), "ingest"]) == 3
    assert "0481/uttag.json: filen saknas" in capsys.readouterr().err
    assert not (raw_root.parent / "processed").exists()


def test_processed_folders_follow_the_same_rule(tmp_path):
    processed = tmp_path / "processed"
    for name in ("0480", ".tmp-0481-ab12cd34", "backup"):
        (processed / name).mkdir(parents=True)
        (processed / name / "extract.json").write_text(json.dumps({}), encoding="utf-8")
    assert [d.name for d in municipality_dirs(processed)] == ["0480"]
    (processed / "0482").mkdir()
    with pytest.raises(DataNotFoundError, match="0482 holds no extract.json"):
        municipality_dirs(processed)
