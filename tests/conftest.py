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
