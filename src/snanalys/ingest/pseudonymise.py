"""Keyed pseudonyms: HMAC-SHA256 of each identifier, the first 16 hex characters.

``pseudonym = HMAC-SHA256(key, "<kind>:<scope>:<value>")[:16 hex]``

* **Domain separation.** The identifier's kind is hashed with it, so a household id and
  a case id that happen to be written alike get unrelated pseudonyms. Local ids
  (household, transaction, placement, invoice, intervention) are also scoped by the
  municipality code, since two municipalities' systems may both have a case "1001".
  A person is one kind in every table and nationally (``person::<12 digits>``), so the
  same personnummer in the members, placements and interventions gets the same
  ``person_key``; it is normalised to its twelve digits first, so ``YYYYMMDD-NNNN`` and
  ``YYYYMMDDNNNN`` agree.
* **Speed.** Each distinct value is hashed once (pyarrow's dictionary encoding, the
  same as ``pd.factorize``) and mapped back; a column its contract holds unique (e.g.
  placement ids) is hashed value by value without that step. Row ids no figure needs
  (transaction and invoice ids, :attr:`~snanalys.ingest.tables.Field.processed`) are not
  hashed at all, except in the few rows a quarantine sets aside. The HMAC is the
  standard construction on precomputed inner and outer SHA-256 states (identical to
  :func:`hmac.new`, a test checks it), about 1 µs per value; from a million values
  on, forked worker processes share the work (Linux) — except inside a worker of the
  batched ingest (:mod:`snanalys.ingest.batch`), whose processes already share the CPUs.
* **The key.** Real data needs a secret key: the ``key`` argument or the environment
  variable ``SNANALYS_PSEUDONYM_KEY`` (at least 16 characters), checked before any
  data is read. The synthetic sample (``"syntetiska_data": true`` in uttag.json) uses
  :data:`SAMPLE_PSEUDONYM_KEY` unless a ``key`` is given: that constant is **public on
  purpose** — the sample holds no real person, and a documented key makes its
  pseudonyms reproducible for everyone; it must never be used for real data (the
  ingest refuses real data without a key of its own). extract.json records a
  fingerprint of the key (:func:`key_fingerprint`), never the key.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from snanalys.ingest.errors import IngestError, Problem
from snanalys.ingest.parsing import arrow_text, text_series

#: The key of the synthetic sample. It is public ON PURPOSE: the sample holds no real
#: person, and a fixed, documented key makes its pseudonyms reproducible for everyone.
#: Never use it for real data (the ingest refuses to, unless uttag.json says synthetic).
SAMPLE_PSEUDONYM_KEY = b"snanalys-synthetic-sample-not-secret"
KEY_ENV_VAR = "SNANALYS_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16

log = logging.getLogger(__name__)

# Kinds whose ids are national (not scoped by municipality).
NATIONAL_KINDS = frozenset({"person"})


class PseudonymKeyError(IngestError):
    """Real data, but no (or too short a) pseudonym key is configured: nothing was read."""

    @classmethod
    def missing(cls, file: str) -> PseudonymKeyError:
        return cls(
            [
                Problem(
                    file,
                    None,
                    "syntetiska_data",
                    "verkliga data (syntetiska_data är inte true) kräver en hemlig pseudonymnyckel: "
                    f"sätt miljövariabeln {KEY_ENV_VAR} (minst {MIN_KEY_LENGTH} tecken, utanför git) "
                    "eller ange key=",
                )
            ]
        )

    @classmethod
    def too_short(cls, file: str, source: str) -> PseudonymKeyError:
        return cls(
            [
                Problem(
                    file,
                    None,
                    None,
                    f"pseudonymnyckeln ({source}) är för kort: väntade minst {MIN_KEY_LENGTH} tecken",
                )
            ]
        )


def resolve_key(key: bytes | str | None, *, synthetic: bool, file: str = "uttag.json") -> bytes:
    """The key to use: ``key`` if given; else the sample key for synthetic data; else the env var.

    Raises :class:`PseudonymKeyError` for real data without a key of at least 16 characters.
    """
    if key is not None:
        key = key.encode("utf-8") if isinstance(key, str) else bytes(key)
        if len(key) < MIN_KEY_LENGTH:
            raise PseudonymKeyError.too_short(file, "argumentet key")
        return key
    if synthetic:
        return SAMPLE_PSEUDONYM_KEY
    env = os.environ.get(KEY_ENV_VAR)
    if env is None or env.strip() == "":
        raise PseudonymKeyError.missing(file)
    if len(env) < MIN_KEY_LENGTH:
        raise PseudonymKeyError.too_short(file, KEY_ENV_VAR)
    return env.encode("utf-8")


def key_fingerprint(key: bytes) -> str:
    """A short public fingerprint of the key (tells keys apart; reveals nothing of the key)."""
    return hashlib.sha256(b"fingerprint:" + key).hexdigest()[:8]


class Pseudonymiser:
    """Keyed HMAC-SHA256 pseudonyms of identifier columns, one hash per distinct value."""

    def __init__(self, key: bytes) -> None:
        block = hashlib.sha256().block_size
        k = hashlib.sha256(key).digest() if len(key) > block else key
        k = k.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in k))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in k))
        self.key_id = key_fingerprint(key)

    def digests(self, values: list[bytes], prefix: bytes = b"") -> bytes:
        """The first 8 bytes of HMAC-SHA256(key, prefix + value) of each value, concatenated.

        Many values (≥ :data:`PARALLEL_MIN`) are hashed by forked worker processes, one
        per CPU, where the platform forks (Linux); the result is the same.
        """
        inner = self._inner.copy()
        inner.update(prefix)
        n = len(values)
        workers = _workers(n)
        if workers > 1:
            try:
                return _parallel_digests((inner, self._outer, values), n, workers)
            except OSError:  # no processes to be had: hash here
                log.debug("parallel hashing unavailable; hashing in one process")
        return _digest_loop(inner, self._outer, values)

    def digest_array(self, values: pa.Array, kind: str, scope: str = "") -> np.ndarray:
        """The first 8 bytes of the HMAC of each of ``values`` (pyarrow strings, no nulls) as an
        ``(n, 8)`` uint8 array; :func:`hex_of` makes them the pseudonyms."""
        prefix = f"{kind}:{'' if kind in NATIONAL_KINDS else scope}:".encode()
        if len(values) == 0:
            return np.zeros((0, 8), dtype=np.uint8)
        data = self.digests(values.cast(pa.large_binary()).to_pylist(), prefix)
        return np.frombuffer(data, dtype=np.uint8).reshape(-1, 8)

    def hex_keys(self, values: pa.Array, kind: str, scope: str = "") -> pa.Array:
        """The 16-hex-character pseudonyms of distinct ``values`` (pyarrow strings, no nulls)."""
        return hex_of(self.digest_array(values, kind, scope))

    def pseudonymise(self, values: pd.Series, kind: str, scope: str = "", *, unique: bool = False) -> pd.Series:
        """Pseudonyms of a column of identifiers (missing stays missing), one hash per distinct value.

        ``unique=True`` (a column its contract holds unique, e.g. placement ids) skips
        finding the distinct values: every value is one.
        """
        array = arrow_text(values)
        if unique and array.null_count == 0:
            return text_series(self.hex_keys(array, kind, scope), values.index)
        encoded = pc.dictionary_encode(array)  # nulls stay null
        keys = self.hex_keys(encoded.dictionary, kind, scope)
        return text_series(keys.take(encoded.indices), values.index)


# The two hex characters of each byte value, the first in the lower byte (little-endian order).
_HEX_PAIRS = np.array(
    [ord("0123456789abcdef"[b >> 4]) | ord("0123456789abcdef"[b & 0x0F]) << 8 for b in range(256)], dtype="<u2"
)


def hex_of(raw: np.ndarray) -> pa.Array:
    """The pseudonyms (16 hex characters, a pyarrow large_string array) of ``(n, 8)`` digests."""
    n = len(raw)
    if n == 0:
        return pa.array([], type=pa.large_string())
    chars = np.ascontiguousarray(_HEX_PAIRS[raw]).view(np.uint8)  # (n, 16)
    offsets = np.arange(0, 16 * n + 1, 16, dtype=np.int64)
    return pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(chars)])


def _digest_loop(inner, outer, values: list[bytes]) -> bytes:
    """HMAC-SHA256 of each value from its inner state (key and prefix absorbed) and outer
    state; the first 8 bytes of each, concatenated."""
    if not values:
        return b""
    inner_copy, outer_copy = inner.copy, outer.copy

    def digest(value: bytes) -> bytes:
        h = inner_copy()
        h.update(value)
        o = outer_copy()
        o.update(h.digest())
        return o.digest()

    full = np.frombuffer(b"".join(map(digest, values)), dtype=np.uint8).reshape(-1, 32)
    return full[:, :8].tobytes()


#: Hash in parallel from this many distinct values on (below it a process costs more than it saves).
PARALLEL_MIN = 1_000_000
MAX_WORKERS = 8
#: False inside a worker of the batched ingest (the other CPUs have workers of their own).
PARALLEL = True
_FORKED_WORK: tuple | None = None  # (inner, outer, values), inherited by the forked workers


def _workers(n: int) -> int:
    if not PARALLEL or n < PARALLEL_MIN or not sys.platform.startswith("linux"):
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def _digest_range(bounds: tuple[int, int]) -> bytes:
    inner, outer, values = _FORKED_WORK
    return _digest_loop(inner, outer, values[bounds[0] : bounds[1]])


def _parallel_digests(work: tuple, n: int, workers: int) -> bytes:
    """:func:`_digest_loop` split over forked processes, which inherit ``work`` (nothing is copied in)."""
    global _FORKED_WORK
    step = -(-n // workers)
    bounds = [(i, min(i + step, n)) for i in range(0, n, step)]
    _FORKED_WORK = work
    try:
        with multiprocessing.get_context("fork").Pool(len(bounds)) as pool:
            parts = pool.map(_digest_range, bounds)
    finally:
        _FORKED_WORK = None
    return b"".join(parts)
