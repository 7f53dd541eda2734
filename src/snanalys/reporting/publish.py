"""Publish a built report so that its period never lacks a complete one.

A run builds ``public`` and ``internal`` in a staging folder; :func:`publish` puts them at
``reports/<period>/`` and ``reports/_internal/<period>/``. Killed at any instruction, it
leaves a complete report at ``reports/<period>/`` (the old or the new one), and the next run
of the period calls :func:`recover` (under the period's lock, before anything is removed)
so that the public folder and its internal counterpart are again from the same run.

Design: each folder is swapped in with ``renameat2(..., RENAME_EXCHANGE)``, one atomic
exchange of the new folder and the published one (the old one ends up in the staging folder,
removed once both are in). A symlink swap (``reports/<period>`` pointing at a versioned
folder) was rejected: the board's folder is copied, served and archived (``freeze_report``
copies it with ``shutil.copytree``) and must stay a real folder of real files, and a symlink
shows up as such in a file browser or a network share. Two renames cannot do it either: between
them the period has no report.

Consistency: the two exchanges cannot be one, so a journal ``reports/_internal/.publish-<period>.json``
(written and synced before the first exchange, removed after the last) names the folders
and the inode of each new and old folder. :func:`recover` finds them by inode and finishes
the publish (the new report was complete and checked when the journal was written), or rolls
it back if a new folder is gone; it removes nothing, and while a journal is pending,
:func:`remove_stale_staging` and :func:`discard` leave its folders alone. The public folder
holds only the public files, so the journal, not a marker in it, says which run it is from.

Fallback: ``renameat2`` comes from glibc (2.28+) or, failing that, the raw syscall. Where
the file system or sandbox refuses it (EINVAL, e.g. some overlayfs; ENOSYS, EPERM, ENOTSUP;
not Linux), a folder is swapped in with two renames, the old one moved aside first: then
``reports/<period>`` is missing for the instant between them, and a run killed there leaves
the old report in the staging folder, which the journal protects and :func:`recover` puts
back in place (finishing with the new one). A first publish (no old folder) is one rename.

Durability: the new folders' files, the journal and every changed folder are fsynced, so a
power cut leaves the same states a kill does.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import platform
import re
import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class PublishError(OSError):
    """A publish could not be completed or undone; its journal is kept for :func:`recover`."""


@dataclass(frozen=True)
class Step:
    """One change to the file system made by :func:`publish`, :func:`recover` or :func:`swap_in`."""

    number: int
    action: str  # "mkdir", "write", "rename", "exchange" or "remove"
    paths: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.number}: {self.action} {' → '.join(self.paths)}"


STEP_HOOK: Callable[[str, Step], None] | None = None
"""Called with ``"before"``/``"after"`` and the :class:`Step` around every change; the kill
tests stop the process there. ``"after"`` is not reported for a step that raised."""


class _Steps:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, action: str, *paths: Path, fn: Callable[[], object]) -> None:
        self.count += 1
        step = Step(self.count, action, tuple(str(p) for p in paths))
        hook = STEP_HOOK
        if hook is not None:
            hook("before", step)
        fn()
        if hook is not None:
            hook("after", step)


# --- the atomic exchange -------------------------------------------------------------------

AT_FDCWD = -100
RENAME_EXCHANGE = 1 << 1
# renameat2's number where glibc has no wrapper (older than 2.28)
_SYS_RENAMEAT2 = {
    "x86_64": 316,
    "aarch64": 276,
    "riscv64": 276,
    "loongarch64": 276,
    "i686": 353,
    "i386": 353,
    "armv7l": 382,
    "ppc64le": 357,
    "ppc64": 357,
    "s390x": 347,
}
# a refusal to exchange (file system, kernel or sandbox) rather than a failure of this one
_NO_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM}


def _load_renameat2() -> Callable[[bytes, bytes, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    wrapper = getattr(libc, "renameat2", None)
    if wrapper is not None:
        wrapper.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        wrapper.restype = ctypes.c_int
        return lambda old, new, flags: wrapper(AT_FDCWD, old, AT_FDCWD, new, flags)
    number, syscall = _SYS_RENAMEAT2.get(platform.machine()), getattr(libc, "syscall", None)
    if number is None or syscall is None:
        return None
    syscall.restype = ctypes.c_long
    return lambda old, new, flags: syscall(
        ctypes.c_long(number),
        ctypes.c_long(AT_FDCWD),
        ctypes.c_char_p(old),
        ctypes.c_long(AT_FDCWD),
        ctypes.c_char_p(new),
        ctypes.c_long(flags),
    )


_renameat2 = _load_renameat2()


def exchange(a: Path, b: Path) -> None:
    """Swap the paths ``a`` and ``b`` (both must exist) in one atomic step."""
    if _renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available here", str(a), None, str(b))
    if _renameat2(os.fsencode(a), os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


# --- small file-system helpers ------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sync_tree(root: Path) -> None:
    """Flush a new folder's files before it is published (a power cut must not leave it empty)."""
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _rename(src: Path, dst: Path) -> None:
    os.rename(src, dst)
    _fsync_dir(dst.parent)
    if src.parent != dst.parent:
        _fsync_dir(src.parent)


def _exchange(a: Path, b: Path) -> None:
    exchange(a, b)
    _fsync_dir(b.parent)
    if a.parent != b.parent:
        _fsync_dir(a.parent)


def _ino(path: Path) -> int | None:
    """The inode at ``path`` (not following a symlink), or None; renames keep it."""
    try:
        return os.lstat(path).st_ino
    except FileNotFoundError:
        return None


def remove_tree(path: Path) -> None:
    """rmtree that also removes read-only files and folders."""

    def onerror(func, name, _exc):
        try:
            os.chmod(os.path.dirname(name), 0o755)
            os.chmod(name, 0o755 if os.path.isdir(name) else 0o644)
            func(name)
        except OSError:
            pass

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, onerror=onerror)


def _install(steps: _Steps, src: Path, target: Path, spare: Path) -> None:
    """Put ``src`` at ``target``; what was there ends up at ``src`` (exchange) or ``spare`` (two renames)."""
    if _ino(target) is None:
        steps("rename", src, target, fn=lambda: _rename(src, target))
        return
    try:
        steps("exchange", src, target, fn=lambda: _exchange(src, target))
        return
    except OSError as exc:
        if exc.errno not in _NO_EXCHANGE:
            raise
    steps("rename", target, spare, fn=lambda: _rename(target, spare))
    steps("rename", src, target, fn=lambda: _rename(src, target))


# --- the journal --------------------------------------------------------------------------


def journal_path(reports_dir: Path, label: str) -> Path:
    return Path(reports_dir) / "_internal" / f".publish-{label}.json"


@dataclass
class _Move:
    """One folder of a publish: ``new`` goes to ``target``; the old one, if any, is found by inode."""

    new: Path
    target: Path
    aside: Path  # where the old folder goes when there is no exchange
    new_ino: int
    old_ino: int | None

    def to_json(self, root: Path) -> dict:
        """Paths relative to the reports folder, which may be moved between runs."""
        paths = {key: os.path.relpath(getattr(self, key), root) for key in ("new", "target", "aside")}
        return {**paths, "new_ino": self.new_ino, "old_ino": self.old_ino}

    @classmethod
    def from_json(cls, root: Path, data: dict) -> _Move:
        return cls(
            root / data["new"],
            root / data["target"],
            root / data["aside"],
            int(data["new_ino"]),
            None if data["old_ino"] is None else int(data["old_ino"]),
        )

    def where(self, ino: int | None) -> Path | None:
        if ino is None:
            return None
        return next((p for p in (self.target, self.new, self.aside) if _ino(p) == ino), None)

    def _target_known(self) -> bool:
        return _ino(self.target) in (None, self.new_ino, self.old_ino)

    def can_finish(self) -> bool:
        return self._target_known() and self.where(self.new_ino) is not None

    def can_undo(self) -> bool:
        return self._target_known() and (self.old_ino is None or self.where(self.old_ino) is not None)

    def finish(self, steps: _Steps) -> None:
        at = self.where(self.new_ino)
        if at != self.target:
            _install(steps, at, self.target, self.aside if at == self.new else self.new)

    def undo(self, steps: _Steps) -> None:
        if self.old_ino is None:
            if _ino(self.target) == self.new_ino:
                free = self.new if _ino(self.new) is None else self.aside
                steps("rename", self.target, free, fn=lambda: _rename(self.target, free))
            return
        at = self.where(self.old_ino)
        if at != self.target:
            _install(steps, at, self.target, self.aside if at == self.new else self.new)

    def old_copy(self) -> Path | None:
        """The replaced folder once the publish is complete (at ``new`` or ``aside``)."""
        at = self.where(self.old_ino)
        return None if at == self.target else at


def _write_journal(steps: _Steps, path: Path, data: dict) -> None:
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")

    def write() -> None:
        with open(tmp, "xb") as handle:  # a short write (full disk) raises: never a truncated journal
            handle.write(json.dumps(data, indent=1).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())

    try:
        steps("write", tmp, fn=write)
        steps("rename", tmp, path, fn=lambda: _rename(tmp, path))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _remove_journal(steps: _Steps, path: Path) -> None:
    def remove() -> None:
        path.unlink()
        _fsync_dir(path.parent)

    steps("remove", path, fn=remove)


def _read_journal(reports_dir: Path, label: str) -> tuple[dict, list[_Move]] | None:
    path = journal_path(reports_dir, label)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data, [_Move.from_json(Path(reports_dir), m) for m in data["moves"]]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishError(f"the publish journal {path} cannot be read ({exc}); nothing was changed") from exc


def pending(reports_dir: Path, label: str) -> bool:
    """Whether a publish of ``label`` was interrupted and not yet recovered."""
    return journal_path(reports_dir, label).exists()


def _pending_folders(reports_dir: Path, label: str) -> list[Path]:
    """Folders an interrupted publish still needs (if its journal cannot be read: all of the period's)."""
    try:
        read = _read_journal(reports_dir, label)
    except PublishError:
        return [Path(reports_dir)]
    if read is None:
        return []
    return [p for move in read[1] for p in (move.new, move.aside)]


# --- publish, recover, clean up -----------------------------------------------------------


def publish(reports_dir: Path, label: str, public: Path, internal: Path) -> None:
    """Put ``public`` at ``reports/<label>`` and ``internal`` at ``reports/_internal/<label>``, both or neither.

    On an error the old folders are put back and the error raised (a :class:`PublishError` if
    that failed too: the journal stays and the next run's :func:`recover` finishes the job).
    """
    reports_dir = Path(reports_dir)
    internal_root = reports_dir / "_internal"
    steps = _Steps()
    if pending(reports_dir, label):
        raise PublishError(
            f"an interrupted publish of {label} is not recovered yet ({journal_path(reports_dir, label)})"
        )
    if not internal_root.is_dir():
        steps("mkdir", internal_root, fn=lambda: internal_root.mkdir(parents=True, exist_ok=True))
    moves = []
    for new, target in ((Path(public), reports_dir / label), (Path(internal), internal_root / label)):
        _sync_tree(new)
        moves.append(_Move(new, target, new.with_name(f"{new.name}.old"), _ino(new), _ino(target)))
    journal = journal_path(reports_dir, label)
    _write_journal(
        steps, journal, {"label": label, "run": uuid.uuid4().hex, "moves": [m.to_json(reports_dir) for m in moves]}
    )
    try:
        for move in moves:
            move.finish(steps)
    except BaseException as exc:
        try:
            for move in reversed(moves):
                move.undo(steps)
            _remove_journal(steps, journal)
        except BaseException as undo_exc:
            message = (
                f"publishing {label} failed ({exc}) and could not be undone ({undo_exc}); "
                "the next run of the period finishes it"
            )
            code = getattr(exc, "errno", None)
            raise (PublishError(code, message) if code else PublishError(message)) from exc
        raise
    _remove_journal(steps, journal)
    for move in moves:
        old = move.old_copy()
        if old is not None:
            steps("remove", old, fn=lambda old=old: remove_tree(old))


_LEGACY_OLD = r"\.old-{}-[0-9a-f]{{8}}"


def _restore_legacy(steps: _Steps, reports_dir: Path, label: str) -> list[str]:
    """Earlier versions moved the report to ``.old-<label>-xxxxxxxx`` before renaming the new one in:
    a run killed between the two left the period only there."""
    messages = []
    pattern = re.compile(_LEGACY_OLD.format(re.escape(label)))
    for folder in (Path(reports_dir), Path(reports_dir) / "_internal"):
        target = folder / label
        if not folder.is_dir() or _ino(target) is not None:
            continue
        olds = [p for p in folder.iterdir() if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink()]
        if olds:
            newest = max(olds, key=lambda p: p.stat().st_ctime)
            steps("rename", newest, target, fn=lambda n=newest, t=target: _rename(n, t))
            messages.append(f"restored {target} from {newest.name} (left by an interrupted run)")
    return messages


def recover(reports_dir: Path, label: str) -> list[str]:
    """Finish (or, if a new folder is gone, roll back) an interrupted publish of ``label``.

    Call it under the period's lock before anything of the period is removed. Returns what it
    did, one message per action; raises :class:`PublishError`, changing nothing, when neither
    direction is possible (e.g. someone moved the folders by hand).
    """
    reports_dir = Path(reports_dir)
    steps = _Steps()
    messages = _restore_legacy(steps, reports_dir, label)
    read = _read_journal(reports_dir, label)
    if read is None:
        return messages
    data, moves = read
    if all(m.can_finish() for m in moves):
        for move in moves:
            move.finish(steps)
        done = "finished"
    elif all(m.can_undo() for m in moves):
        for move in reversed(moves):
            move.undo(steps)
        done = "rolled back"
    else:
        raise PublishError(
            f"an interrupted publish of {label} can be neither finished nor rolled back (its folders were moved?); "
            f"nothing was changed: see {journal_path(reports_dir, label)}"
        )
    _remove_journal(steps, journal_path(reports_dir, label))
    messages.append(f"{done} the interrupted publish of {label} (run {data.get('run', '?')})")
    return messages


def remove_stale_staging(reports_dir: Path, label: str) -> list[Path]:
    """Leftovers of a killed run of ``label`` (the caller holds the period's lock, so none is live).

    Never removes a folder an unrecovered publish needs, nor an earlier version's ``.old-`` copy
    of the report while the report itself is missing.
    """
    reports_dir = Path(reports_dir)
    needed = _pending_folders(reports_dir, label)
    legacy = re.compile(_LEGACY_OLD.format(re.escape(label)))
    removed = []
    for folder in (reports_dir, reports_dir / "_internal"):
        if not folder.is_dir():
            continue
        for path in folder.glob(f".publish-{label}.json.*.tmp"):
            path.unlink(missing_ok=True)
        for pattern in (f".staging-{label}-*", f".old-{label}-*"):
            for path in folder.glob(pattern):
                if not path.is_dir() or any(path == p or path in p.parents for p in needed):
                    continue
                if legacy.fullmatch(path.name) and _ino(folder / label) is None:
                    continue
                remove_tree(path)
                removed.append(path)
    return removed


def discard(staging: Path, reports_dir: Path, label: str) -> None:
    """Remove a failed run's staging folder, unless an unrecovered publish still needs it."""
    staging = Path(staging)
    if any(staging == p or staging in p.parents for p in _pending_folders(reports_dir, label)):
        return
    shutil.rmtree(staging, ignore_errors=True)


def swap_in(new: Path, target: Path) -> None:
    """Put ``new`` at ``target`` and remove what was there (no journal: for folders that are a
    courtesy, like a failed run's notebooks, which a kill may leave missing)."""
    new, target = Path(new), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    spare = new.with_name(f"{new.name}.old")
    _install(_Steps(), new, target, spare)
    for leftover in (new, spare):
        remove_tree(leftover)
