"""Fails if a file holds something that looks like a Swedish personal identity number.

Used by the pre-commit hook and by the tests over every tracked file: personnummer
never reach git. A 10- or 12-digit date-shaped number with a valid check digit
(Luhn) counts as a hit; plain dates and amounts do not.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PATTERN = re.compile(rb"(?<![0-9])(?:19|20)?([0-9]{2})(0[1-9]|1[0-2])([0-6][0-9]|7[01])[-+]?([0-9]{4})(?![0-9])")


def luhn_ok(ten_digits: str) -> bool:
    total = 0
    for i, ch in enumerate(ten_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def hits(data: bytes) -> list[str]:
    found = []
    for m in PATTERN.finditer(data):
        yy, mm, dd, tail = (g.decode() for g in m.groups())
        if 1 <= int(dd) % 60 <= 31 and luhn_ok(yy + mm + dd + tail):
            found.append(f"{yy}{mm}{dd[:1]}*-****")  # masked: never print the number itself
    return found


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
