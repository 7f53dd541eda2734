"""The ingest of many municipality folders at once: table by table, in batches of folders.

:func:`ingest_folders` (behind :func:`~snanalys.ingest.pipeline.ingest_all` and
:func:`~snanalys.ingest.pipeline.ingest_municipality`, a batch of one):

1. Every folder's ``uttag.json`` is read (:mod:`extract`) and its pseudonym key resolved
   before any data file is read (the first folder, in order, that fails raises).
2. The work is cut into tasks (:mod:`plan`): a unit of tables for a run of consecutive
   folders. A task processes its tables one after the other, each for all its folders
   at once (:mod:`table_task`; pseudonyms and fingerprints: :mod:`fingerprints`).
3. Tasks run in worker processes (forked, ``workers``) or in this process (:mod:`tasks`);
   they send back counts and errors only.
4. Only when every task has finished without a fault in any folder is each folder's
   ``extract.json`` written and its work folder swapped into place
   (:mod:`~snanalys.ingest.writing`); otherwise every work folder is removed and the
   error of the first failing folder (in folder order; within it, the first failing
   file in :data:`~snanalys.ingest.tables.TABLE_ORDER`) is raised: nothing is
   written.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from snanalys import __version__
from snanalys.ingest import quality, writing
from snanalys.ingest.extract import EXTRACT_FILE, folder_name, read_extract
from snanalys.ingest.plan import Folder, choose_workers, plan
from snanalys.ingest.pseudonymise import key_fingerprint, resolve_key
from snanalys.ingest.table_task import Outcome
from snanalys.ingest.tables import TABLE_ORDER
from snanalys.ingest.tasks import run_tasks

log = logging.getLogger("snanalys.ingest.pipeline")


@dataclass
class IngestResult:
    """What one ingest wrote."""

    municipality_code: str
    output_dir: Path
    rows: dict[str, int]
    synthetic: bool
    warnings: list[str] = field(default_factory=list)
    pseudonym_key_id: str = ""
    quality: dict = field(default_factory=dict)  # extract.json's "quality" (:mod:`quality`)


def ingest_folders(
    raw_dirs: list[Path],
    processed_root: Path,
    *,
    key: bytes | str | None = None,
    quarantine: bool = False,
    workers: int | None = None,
) -> list[IngestResult]:
    """Ingest ``raw_dirs`` together (see the module's docstring); the results in their order."""
    raw_dirs = [Path(d) for d in raw_dirs]
    processed_root = Path(processed_root)
    if not raw_dirs:
        return []
    extracts = []
    for d in raw_dirs:  # every uttag.json and key before any data file is read
        prefix = f"{folder_name(d)}/"
        extract = read_extract(d, prefix)
        secret = resolve_key(key, synthetic=extract.synthetic, file=f"{prefix}{EXTRACT_FILE}")
        extracts.append((d, prefix, extract, secret))
    codes = [e.municipality_code for _, _, e, _ in extracts]
    if len(set(codes)) != len(codes):
        twice = sorted({c for c in codes if codes.count(c) > 1})
        raise ValueError(f"the same municipality code in two raw folders: {', '.join(twice)}")
    workers = choose_workers(workers, raw_dirs)

    created_root = not processed_root.exists()
    processed_root.mkdir(parents=True, exist_ok=True)
    builds: list[Path] = []
    try:
        folders = []
        for i, (d, prefix, extract, secret) in enumerate(extracts):
            builds.append(writing.start(processed_root, extract.municipality_code))
            folders.append(
                Folder(
                    i,
                    d,
                    prefix,
                    extract.municipality_code,
                    extract.extract_date,
                    extract.data_from,
                    extract.covered_through,
                    secret,
                    builds[-1],
                )
            )
        tasks = plan(folders, workers, quarantine)
        outcomes = run_tasks(tasks, min(workers, len(tasks)))
        for f in folders:
            for table in TABLE_ORDER:
                outcome = outcomes.get(f.position, {}).get(table)
                if outcome is not None and outcome.error is not None:
                    raise outcome.error
        results = []
        for f, (_, _, extract, _) in zip(folders, extracts):
            meta, result = _result(f, extract, outcomes[f.position], processed_root)
            writing.finish(f.build, meta)
            results.append(result)
            for table in TABLE_ORDER:
                raw_file = outcomes[f.position][table].raw_file
                log.info("%s%s: %d rader (%s)", f.prefix, raw_file["name"], raw_file["rows"], raw_file["encoding"])
            for warning in result.warnings:
                log.warning("%s", warning)
    except BaseException:
        for build in builds:
            writing.discard(build.parent)
        if created_root:
            writing.remove_if_empty(processed_root)
        raise
    for build in builds:
        writing.discard(build.parent)
    return results


def _result(folder: Folder, extract, outcomes: dict[str, Outcome], processed_root: Path) -> tuple[dict, IngestResult]:
    """extract.json and the IngestResult of a folder whose every table was written."""
    warnings = [w for t in TABLE_ORDER for w in outcomes[t].warnings]
    order = [*quality.WARNING_ORDER, *(t for t in TABLE_ORDER if t not in quality.WARNING_ORDER)]
    quality_warnings = [w for t in order for w in outcomes[t].quality_warnings]
    summary = quality.summary_of(
        {t: outcomes[t].rows_read for t in TABLE_ORDER},
        {t: outcomes[t].set_aside for t in TABLE_ORDER if outcomes[t].set_aside is not None},
        quality_warnings,
    )
    rows = {t: outcomes[t].rows for t in TABLE_ORDER}
    key_id = key_fingerprint(folder.secret)
    meta = {
        "municipality_code": folder.code,
        "municipality_name": extract.municipality_name,
        "extract_date": extract.extract_date.isoformat(),
        "data_from": extract.data_from.isoformat(),
        "covered_through": extract.covered_through.isoformat(),
        "synthetic": extract.synthetic,
        "counting_basis": extract.counting_basis,
        "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pseudonym_key_id": key_id,
        "snanalys_version": __version__,
        "extract_file": {"name": "uttag.json", "sha256": extract.sha256},
        "raw_files": [outcomes[t].raw_file for t in TABLE_ORDER],
        "tables": rows,
        "warnings": warnings,
        "quality": summary,
    }
    result = IngestResult(
        municipality_code=folder.code,
        output_dir=processed_root / folder.code,
        rows=rows,
        synthetic=extract.synthetic,
        warnings=warnings,
        pseudonym_key_id=key_id,
        quality=summary,
    )
    return meta, result
