"""The project's nbconvert template (``snanalys_page``), installed where nbconvert finds it by name.

The report run points nbconvert at this folder itself; ``jupyter nbconvert --template
snanalys_page`` from the command line looks in ``<prefix>/share/jupyter/nbconvert/templates``.
``make`` (``python -m snanalys.reporting.templates``) links the template there, as it
registers the kernel: a link, so that with the editable install an edit of the template is
what the command line uses too (a copy where links cannot be made).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

NAME = "snanalys_page"


def source() -> Path:
    return Path(str(resources.files("snanalys.reporting").joinpath("templates", NAME)))


def install(prefix: str | os.PathLike) -> Path:
    """Link (or copy) the template into ``prefix``'s nbconvert templates; returns where.

    Replaces what is there, atomically: a half-installed template is never found."""
    target = Path(prefix) / "share" / "jupyter" / "nbconvert" / "templates" / NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{NAME}-", dir=target.parent))
    staged = tmp / NAME
    try:
        try:
            staged.symlink_to(source(), target_is_directory=True)
        except OSError:  # no links on this file system (Windows without the privilege)
            shutil.copytree(source(), staged)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(staged, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
