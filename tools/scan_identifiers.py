"""Fails if a file holds something that looks like a Swedish personal identity number.

Used by the pre-commit hook and by the tests over every tracked file: personnummer
never reach git. The rule (valid check digit, samordningsnummer included) lives in
``snanalys.privacy``; this script only runs it over the files it is given.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from snanalys.privacy import personnummer_hits as hits  # noqa: E402


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
