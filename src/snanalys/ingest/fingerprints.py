"""The keyed pseudonyms of a batch's identifiers, and 64-bit fingerprints to find repeated ids.

:func:`identifier_digests` hashes each distinct (scope, value) of the batch once: local
ids per folder (their scope), persons across the batch (per key); an earlier table of the
task may hand over what it hashed (the households of the payments for the members, the
placements for their costs). :func:`unique_within_folder` finds ids repeated in their
folder from the digests, or from :func:`text_fingerprints` where an id has none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from snanalys.ingest import parsing, tables
from snanalys.ingest.plan import Folder
from snanalys.ingest.pseudonymise import NATIONAL_KINDS, Pseudonymiser
from snanalys.ingest.reading import large_text
from snanalys.ingest.tables import TableSpec


def identifier_digests(
    spec: TableSpec,
    folders: list[Folder],
    source: np.ndarray,
    bounds: np.ndarray,
    frame: pd.DataFrame,
    twelve: pd.Series | None,
    known: dict,
    keep_kinds: set[str],
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per identifier column kept in the processed table: the digests of its pseudonyms
    (``(n, 8)`` bytes) and where it has a value. ``source``: each row's folder (its place in
    ``folders``); ``bounds``: where each folder's rows begin (the batch's rows are in folder order).

    Local ids are hashed per folder (their scope), each distinct value once (every row
    for an id its contract holds unique); persons are national: each distinct
    personnummer of the batch once (per key, if the folders' keys differ). ``known``
    holds ``(kind, folder position) → (values, digests)`` hashed by an earlier table of
    the task (households of the payments for the members, placements for their
    costs): they are looked up, not hashed again; the kinds in ``keep_kinds`` are
    added to it for the tables to come.
    """
    n = len(frame)
    out = {}
    for f in spec.fields:
        if f.key is None:
            continue
        values = twelve if f.kind == tables.PERSONNUMMER else frame[f.name]
        array = large_text(parsing.as_text(values))  # chunked as read: no copy
        valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        digests = np.zeros((n, 8), dtype=np.uint8)
        if f.pseudonym in NATIONAL_KINDS:
            by_key: dict[bytes, list[int]] = {}
            for k, folder in enumerate(folders):
                by_key.setdefault(folder.secret, []).append(k)
            for secret, ks in by_key.items():
                rows = valid if len(by_key) == 1 else valid & np.isin(source, ks)
                if rows.any():
                    encoded = pc.dictionary_encode(array.filter(pa.array(rows))).combine_chunks()
                    distinct = pseudonymiser(secret).digest_array(encoded.dictionary, f.pseudonym)
                    digests[rows] = distinct[encoded.indices.to_numpy(zero_copy_only=False)]
        else:
            for k, folder in enumerate(folders):
                a, b = int(bounds[k]), int(bounds[k + 1])
                ok = valid[a:b]
                if not ok.any():
                    continue
                part = array.slice(a, b - a)
                earlier = known.get((f.pseudonym, folder.position))
                hasher = _Hasher(pseudonymiser(folder.secret), f.pseudonym, folder.code, earlier)
                if f.unique and ok.all():
                    digests[a:b] = hasher(part)
                    distinct_values, distinct_digests = part, digests[a:b]
                    if f.pseudonym in keep_kinds:
                        distinct_values = part.combine_chunks()
                else:
                    encoded = pc.dictionary_encode(part).combine_chunks()  # one dictionary for the chunks
                    distinct_values = encoded.dictionary
                    distinct_digests = hasher(distinct_values)
                    indices = encoded.indices.to_numpy(zero_copy_only=False)
                    digests[a:b][ok] = distinct_digests[indices[ok].astype(np.int64)]
                if f.pseudonym in keep_kinds:
                    known[(f.pseudonym, folder.position)] = (distinct_values, distinct_digests)
        out[f.name] = (digests, valid)
    return out


class _Hasher:
    """Digests of distinct values of one kind and folder: those in ``known`` looked up, the rest hashed."""

    def __init__(self, pseudonymiser: Pseudonymiser, kind: str, scope: str, known) -> None:
        self.pseudonymiser, self.kind, self.scope, self.known = pseudonymiser, kind, scope, known

    def __call__(self, values: pa.Array) -> np.ndarray:
        if self.known is None:
            return self.pseudonymiser.digest_array(values, self.kind, self.scope)
        known_values, known_digests = self.known
        at = pc.index_in(values, value_set=known_values).to_numpy(zero_copy_only=False)
        found = ~np.isnan(at) if at.dtype.kind == "f" else np.ones(len(values), dtype=bool)
        out = np.empty((len(values), 8), dtype=np.uint8)
        out[found] = known_digests[at[found].astype(np.int64)]
        if not found.all():
            missing = np.flatnonzero(~found)
            out[missing] = self.pseudonymiser.digest_array(values.take(pa.array(missing)), self.kind, self.scope)
        return out


_PSEUDONYMISERS: dict[bytes, Pseudonymiser] = {}


def pseudonymiser(secret: bytes) -> Pseudonymiser:
    """The pseudonymiser of a key, made once per task (:func:`forget_keys` when the task ends)."""
    if secret not in _PSEUDONYMISERS:
        _PSEUDONYMISERS[secret] = Pseudonymiser(secret)
    return _PSEUDONYMISERS[secret]


def forget_keys() -> None:
    """Drop the pseudonymisers made so far: no key is kept once a task is done."""
    _PSEUDONYMISERS.clear()


def unique_within_folder(
    source: np.ndarray, values: pd.Series, digests: tuple[np.ndarray, np.ndarray] | None
) -> np.ndarray:
    """Per row: its id is not repeated in its folder (missing ids pass: the not-null check
    reports them). Equal ids have equal 64-bit fingerprints (the pseudonyms' digests where
    the id has them, else :func:`text_fingerprints`) within equal folders; the rare rows
    whose fingerprints collide are compared as text."""
    ok = np.ones(len(values), dtype=bool)
    if digests is None:
        array = large_text(parsing.as_text(values))
        valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        fingerprints = np.concatenate([text_fingerprints(c) for c in array.chunks] or [np.zeros(0, np.uint64)])
    else:
        raw, valid = digests
        fingerprints = raw.view("<u8").ravel()
    rows = np.flatnonzero(valid)
    if len(rows) == 0:
        return ok
    key = fingerprints[rows] ^ (source[rows].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    ordered = np.sort(key)
    if not (ordered[1:] == ordered[:-1]).any():
        return ok  # the usual case: no two fingerprints alike, so no two ids alike
    candidates = rows[pd.Series(key).duplicated(keep=False).to_numpy()]
    if len(candidates):
        same = pd.DataFrame({"source": source[candidates], "value": values.iloc[candidates].to_numpy(dtype=object)})
        ok[candidates[same.duplicated(keep=False).to_numpy()]] = False
    return ok


#: Random odd multipliers, one per 8-byte word of a string, of :func:`text_fingerprints`
#: (fixed, so that a run is reproducible).
_FINGERPRINT_WEIGHTS = np.random.default_rng(20261130).integers(0, 2**63, size=64, dtype=np.uint64) * np.uint64(2) + 1
_TAIL_MASKS = np.array([(1 << (8 * r)) - 1 for r in range(8)] + [2**64 - 1], dtype=np.uint64)  # r bytes kept


def text_fingerprints(array: pa.Array) -> np.ndarray:
    """A 64-bit fingerprint of each string of ``array`` (large_string; nulls get any value):
    its length, plus each 8-byte word of it times a random odd weight of its place, modulo
    2**64. Equal strings get equal fingerprints; unequal ones rarely do (the caller compares
    those as text). Computed word by word over all strings at once: far cheaper than a hash
    table of the texts."""
    n = len(array)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[array.offset : array.offset + n + 1]
    starts, lengths = offsets[:-1], offsets[1:] - offsets[:-1]
    out = lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    words = -(-int(lengths.max()) // 8)
    if words == 0:
        return out
    # Every byte's 8-byte word (little-endian, unaligned), over the data and 8 zero bytes past its end.
    padded = np.zeros(int(offsets[-1]) + 8, dtype=np.uint8)
    padded[: int(offsets[-1])] = np.frombuffer(buffers[2], dtype=np.uint8)[: int(offsets[-1])]
    word_at = np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    weights = _FINGERPRINT_WEIGHTS
    if words > len(weights):  # ids this long are rare: more weights, drawn the same way
        weights = np.random.default_rng(words).integers(0, 2**63, size=words, dtype=np.uint64) * np.uint64(2) + 1
    rows = None  # all strings
    for q in range(words):
        j = 8 * q
        if rows is None and int(lengths.min()) < j + 8:
            rows = np.flatnonzero(lengths > j)
        elif rows is not None:
            rows = rows[lengths[rows] > j]
        if rows is None:
            out += word_at[starts + j] * weights[q]
        else:
            word = word_at[starts[rows] + j] & _TAIL_MASKS[np.minimum(lengths[rows] - j, 8)]
            out[rows] += word * weights[q]
    return out
