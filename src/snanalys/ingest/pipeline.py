"""The ingest of municipality folders: read, parse, validate, pseudonymise, write atomically.

Steps, for ``data/raw/<kommunkod>/`` (many folders at once: :mod:`batch`):

1. ``uttag.json`` (:mod:`extract`): the municipality, the extract date (not after today,
   :func:`snanalys.periods.today`), synthetic or real. For real data the pseudonym key
   must be configured, or nothing else is read.
2. Each raw file (:data:`tables.TABLE_ORDER`): read as text (:mod:`reading`), parsed
   (:mod:`parsing`, :mod:`validation`), checked against its contract (:mod:`contracts`, before
   pseudonymisation, so that identifiers can be checked); placement costs must refer
   to existing placements. The first file with problems raises :class:`IngestError`
   with its first five problems and their count.
3. Identifiers replaced by keyed pseudonyms (:mod:`pseudonymise`); the personnummer's
   birth date is kept.
4. The nine tables and ``extract.json`` written as ``<processed_root>/<kommunkod>/``
   in one atomic swap (:mod:`writing`); on any error ``processed_root`` is unchanged.

This module holds the public functions; :mod:`batch` does the work, for many folders at
once (one folder is a batch of one).
"""

from __future__ import annotations

from pathlib import Path

from snanalys.folders import raw_municipality_dirs  # the one rule of which folders are municipalities
from snanalys.ingest import batch
from snanalys.ingest.batch import IngestResult


def ingest_municipality(
    raw_dir: Path, processed_root: Path, *, key: bytes | None = None, quarantine: bool = False
) -> IngestResult:
    """Validate, pseudonymise and write one raw municipality folder (e.g. ``data/raw/0480``).

    Writes ``processed_root/<kommunkod>/`` (nine Parquet tables and ``extract.json``)
    atomically. Raises :class:`IngestError` (nothing written) when a file breaks its
    contract, and :class:`PseudonymKeyError` for real data without a configured key
    (``key`` or the environment variable ``SNANALYS_PSEUDONYM_KEY``).

    ``quarantine=True``: rows with faults (a bad cell, a duplicate id, an unknown code …)
    are set aside into ``processed_root/<kommunkod>/_quarantine/<table>.parquet``
    (identifiers pseudonymised, with file, row, column and reason) and the ingest goes
    on; faults of a whole file (encoding, separator, columns, empty …) still stop it.
    ``extract.json["quality"]`` counts the rows read and set aside (:mod:`quality`).

    The same as :func:`ingest_all` of this one folder, in this process.
    """
    return batch.ingest_folders([Path(raw_dir)], processed_root, key=key, quarantine=quarantine, workers=1)[0]


def ingest_all(
    raw_root: Path,
    processed_root: Path,
    key: bytes | None = None,
    *,
    quarantine: bool = False,
    workers: int | None = None,
) -> list[IngestResult]:
    """Ingest every municipality folder of ``raw_root`` together, in batches (:mod:`batch`).

    All or nothing: every folder is read, validated and built (in hidden work folders
    of ``processed_root``) before any is written; only then is each folder swapped into
    place, atomically, one after the other. If any folder fails, nothing in
    ``processed_root`` changes and the error of the first failing folder (in folder
    order; within it, its first failing file in :data:`~snanalys.ingest.tables.TABLE_ORDER`)
    is raised, naming the file with its folder (``0480/ekb_utbetalningar.csv``), the row
    as in the file, the column and the expectation. Every ``uttag.json`` and pseudonym
    key is checked before any data file is read. ``quarantine`` works per folder as in
    :func:`ingest_municipality`.

    The results are those :func:`ingest_municipality` would give for each folder, the
    same tables, pseudonyms and ``extract.json`` (apart from ``ingested_at``).
    ``workers``: processes sharing the work (default: the CPUs, when the raw data is
    large enough to pay for them; 1 = all in this process). Returns an empty list when
    ``raw_root`` holds no municipality (:func:`snanalys.folders.raw_municipality_dirs`: four-digit
    folders; one without ``uttag.json`` raises :class:`IngestError`).
    """
    return ingest_folders(
        raw_municipality_dirs(raw_root), processed_root, key=key, quarantine=quarantine, workers=workers
    )


def ingest_folders(
    raw_dirs: list[Path],
    processed_root: Path,
    key: bytes | None = None,
    *,
    quarantine: bool = False,
    workers: int | None = None,
) -> list[IngestResult]:
    """:func:`ingest_all` of the given raw municipality folders (results in their order)."""
    return batch.ingest_folders(raw_dirs, processed_root, key=key, quarantine=quarantine, workers=workers)
