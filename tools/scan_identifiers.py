"""Fails if a file holds something that looks like a Swedish personal identity number.

Used by the pre-commit hook and by the tests over every tracked file: personnummer
never reach git. The rule lives in ``snanalys.identity``; here only its personnummer
and samordningsnummer count (any spelling, with or without a valid check digit — a
mistyped number still identifies), since code and docs legitimately hold long digit
runs, e-mail addresses and the like.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from snanalys.identity import IDENTITY_NUMBERS, find_identities  # noqa: E402


def hits(data: bytes) -> list[str]:
    """Masked personnummer and samordningsnummer in ``data`` (decoded as UTF-8)."""
    text = data.decode("utf-8", errors="replace")
    return [f.masked for f in find_identities(text) if f.kind in IDENTITY_NUMBERS]


def main(paths: list[str]) -> int:
    bad = 0
    for name in paths:
        path = Path(name)
        if not path.is_file():
            continue
        found = hits(path.read_bytes())
        if found:
            bad += 1
            print(f"{name}: {len(found)} personnummer-like value(s), e.g. {found[0]}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
