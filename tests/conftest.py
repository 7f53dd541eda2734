"""Shared fixtures: the sample municipality is generated and ingested once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # lets tests import the brute-force oracle (tests/oracle.py)


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory) -> Path:
    """A data folder holding the synthetic sample, raw and processed."""
    from snanalys.ingest import ingest_municipality
    from snanalys.sample import write_sample

    data_dir = tmp_path_factory.mktemp("sample") / "data"
    raw_dir = write_sample(data_dir / "raw")
    ingest_municipality(raw_dir, data_dir / "processed")
    return data_dir


@pytest.fixture(scope="session")
def sample(sample_data_dir):
    from snanalys.data import load_municipality

    return load_municipality(sample_data_dir / "processed", "0480")


ROOT = TESTS.parent


@pytest.fixture(scope="session")
def built_reports(sample_data_dir, tmp_path_factory):
    """The report of 2025 T1, T2 and T3, and the latest as of 2026-11-22: one run each per session."""
    from snanalys.cli import main

    reports_dir = tmp_path_factory.mktemp("reports")
    runs = {}
    for args in (
        ["--year", "2025", "--tertial", "1"],
        ["--year", "2025", "--tertial", "2"],
        ["--year", "2025", "--tertial", "3"],
        ["--latest", "--as-of", "2026-11-22"],
    ):
        code = main(
            [
                "--data-dir",
                str(sample_data_dir),
                "report",
                *args,
                "--notebooks",
                str(ROOT / "notebooks"),
                "--reports-dir",
                str(reports_dir),
                "--commentary",
                str(ROOT / "commentary"),
            ]
        )
        assert code == 0, args
    for label in ("2025-T1", "2025-T2", "2025-T3", "2026-T2"):
        runs[label] = reports_dir / label
    return reports_dir, runs
