"""Fixtures of the ingest tests: small raw municipality folders written by hand."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lets the tests import rawfolder.py

from rawfolder import RawFolder  # noqa: E402


@pytest.fixture
def raw() -> RawFolder:
    """A valid raw folder (real data, not synthetic), to be changed and written by the test."""
    return RawFolder()


@pytest.fixture(autouse=True)
def _no_key_in_environment(monkeypatch):
    """Tests decide the key themselves: a developer's SNANALYS_PSEUDONYM_KEY must not leak in."""
    monkeypatch.delenv("SNANALYS_PSEUDONYM_KEY", raising=False)
