"""What git holds: no identities, no generated data, notebooks clean."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("scan_identifiers", ROOT / "tools" / "scan_identifiers.py")
scan = importlib.util.module_from_spec(spec)
spec.loader.exec_module(scan)


def _tracked() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [line for line in out.splitlines() if line]


def test_the_scanner_finds_a_personnummer_and_ignores_dates():
    example = b"19811218" + b"-9876"  # Skatteverket's documented example, built so git never holds it
    assert scan.hits(b"pnr " + example + b" here") == ["19811*-****"]
    assert scan.hits(b"2025-12-31;1234,50;20251231") == []
    assert scan.hits(example[:-1] + b"5") == ["19811*-****"]  # a wrong check digit still identifies
    assert scan.hits(b"556677-8899 0000000000") == []  # an organisation number, a digit run


def test_no_tracked_file_holds_a_personnummer():
    offenders = [f for f in _tracked() if (ROOT / f).is_file() and scan.hits((ROOT / f).read_bytes())]
    assert offenders == []


def test_generated_data_and_reports_are_not_tracked():
    tracked = _tracked()
    assert not [f for f in tracked if f.startswith("data/processed/") and not f.endswith(".gitkeep")]
    assert not [f for f in tracked if f.startswith("reports/") and not f.endswith(".gitkeep")]
    raw = [f for f in tracked if f.startswith("data/raw/")]
    assert all(f == "data/raw/README.md" or f.startswith("data/raw/examples/") for f in raw)


def _bin(name: str) -> str:
    import shutil
    import sys

    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else (shutil.which(name) or pytest.skip(f"{name} is not installed"))


def test_detect_secrets_finds_nothing_in_tracked_files():
    """The pre-commit hook's check, run over everything git holds."""
    files = [
        f for f in _tracked() if not f.endswith(("requirements.lock", "package-lock.json")) and (ROOT / f).is_file()
    ]
    proc = subprocess.run([_bin("detect-secrets-hook"), *files], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_nbstripout_verify_passes_on_the_notebooks():
    notebooks = [f for f in _tracked() if f.endswith(".ipynb")]
    proc = subprocess.run([_bin("nbstripout"), "--verify", *notebooks], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
