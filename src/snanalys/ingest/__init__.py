"""Validated ingest of the raw exports: contracts, parsing, keyed pseudonyms, atomic write.

``ingest_municipality(raw_dir, processed_root, key=None)`` reads one raw municipality
folder (``data/raw/<kommunkod>/``, formats in ``data/raw/README.md``), checks every
file against its contract, replaces identifiers by keyed pseudonyms and writes
``processed_root/<kommunkod>/`` (``docs/processed_data.md``) in one atomic swap.
``ingest_all(raw_root, processed_root, key=None)`` does so for every folder.

Errors: :class:`IngestError` names the file, the row as in the file, the column and
what was expected (in Swedish), never an identifier's value;
:class:`PseudonymKeyError` (a kind of IngestError) refuses real data without a key.

Modules: ``errors`` (messages, masking), ``reading`` (CSV/xlsx as text), ``parsing``
(vectorised text → dates, amounts …), ``tables`` (raw files ↔ processed tables),
``contracts`` (pandera schemas), ``pseudonymise`` (HMAC keys), ``writing`` (atomic
folder swap), ``pipeline`` (the steps in order).
"""

from snanalys.ingest.errors import IngestError, Problem
from snanalys.ingest.pipeline import IngestResult, covered_through, ingest_all, ingest_municipality, read_extract
from snanalys.ingest.pseudonymise import (
    KEY_ENV_VAR,
    SAMPLE_PSEUDONYM_KEY,
    PseudonymKeyError,
    Pseudonymiser,
    key_fingerprint,
)

__all__ = [
    "IngestError",
    "IngestResult",
    "KEY_ENV_VAR",
    "Problem",
    "PseudonymKeyError",
    "Pseudonymiser",
    "SAMPLE_PSEUDONYM_KEY",
    "covered_through",
    "ingest_all",
    "ingest_municipality",
    "key_fingerprint",
    "read_extract",
]
