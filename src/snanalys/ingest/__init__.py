"""Validated ingest of the raw exports: contracts, parsing, keyed pseudonyms, atomic write.

``ingest_municipality(raw_dir, processed_root, key=None)`` reads one raw municipality
folder (``data/raw/<kommunkod>/``, formats in ``data/raw/README.md``), checks every
file against its contract, replaces identifiers by keyed pseudonyms and writes
``processed_root/<kommunkod>/`` (``docs/processed_data.md``) in one atomic swap.
``ingest_all(raw_root, processed_root, key=None)`` does so for every folder, many at once
(``batch``: table by table over batches of folders, on several processes; every folder is
validated before any is written, so a failing folder means nothing is written).

Errors: :class:`IngestError` names the file, the row as in the file, the column and
what was expected (in Swedish), never an identifier's value;
:class:`PseudonymKeyError` (a kind of IngestError) refuses real data without a key.

Modules, bottom-up: ``errors`` (messages, masking), ``tables`` (raw files ↔ processed
tables, and what each table declares: references, warnings), ``parsing`` (vectorised
text → dates, amounts …), ``reading`` (CSV/xlsx as text: the one reader of a raw file),
``contracts`` (pandera schemas), ``checks`` (row checks beyond the contracts),
``validation`` (one table through parsing and its contract; the messages), ``extract``
(``uttag.json``), ``pseudonymise`` (HMAC keys), ``quality`` (the quality summary and
quarantine), ``writing`` (atomic folder swap); the ingest of many folders: ``plan``
(folders and tasks), ``fingerprints`` (pseudonym digests, repeated ids), ``table_task``
(one task, table by table), ``tasks`` (running tasks in processes), ``batch`` (the
whole ingest); ``pipeline`` (the public entry points); ``freshness`` (ingest when the
processed data is missing or stale); ``mapping`` and ``check`` (``snanalys
check-export``), ``command`` (its sub-command).
"""

# The names below load on first use (PEP 562): reading processed data needs only
# ``snanalys.ingest.tables``, and a report kernel should not pay for pandera to get it.
_EXPORTS = {
    "IngestError": "errors",
    "Problem": "errors",
    "IngestResult": "batch",
    "covered_through": "extract",
    "ingest_all": "pipeline",
    "ingest_folders": "pipeline",
    "ingest_municipality": "pipeline",
    "read_extract": "extract",
    "KEY_ENV_VAR": "pseudonymise",
    "SAMPLE_PSEUDONYM_KEY": "pseudonymise",
    "PseudonymKeyError": "pseudonymise",
    "Pseudonymiser": "pseudonymise",
    "key_fingerprint": "pseudonymise",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
