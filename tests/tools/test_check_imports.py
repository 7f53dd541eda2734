"""tools/check_imports.py: the package has no import cycle and uses no other module's private name."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _checker():
    spec = importlib.util.spec_from_file_location("check_imports", ROOT / "tools" / "check_imports.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_imports", module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


check_imports = _checker()


def _findings(src: Path) -> tuple[list[list[str]], list[str]]:
    graph, private = check_imports.analyse(src)
    return check_imports.cycles(check_imports.design_graph(graph)), [str(p) for p in private]


def test_the_package_has_no_import_cycle_and_no_private_use_across_modules():
    loops, private = _findings(ROOT / "src")
    assert loops == []
    assert private == []


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "src" / "snanalys" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "src"


def test_the_checker_finds_a_cycle_a_lazy_one_and_private_names(tmp_path):
    src = _write(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from snanalys import b\n\n\ndef f():\n    return b._hidden()\n",
            "b.py": "def _hidden():\n    from snanalys.sub.c import _secret\n    return _secret\n",
            "sub/__init__.py": "from snanalys.sub import c\n",  # a package and its module: no cycle
            "sub/c.py": "import snanalys.a\n\n_secret = 1\n",
        },
    )
    loops, private = _findings(src)
    assert loops == [["snanalys.a", "snanalys.b", "snanalys.sub.c"]]
    assert private == [
        "snanalys.a:5 uses the private name snanalys.b._hidden",
        "snanalys.b:2 uses the private name snanalys.sub.c._secret",
    ]


def test_a_clean_synthetic_package_has_no_findings(tmp_path):
    src = _write(
        tmp_path,
        {
            "__init__.py": "",
            "low.py": "def shared():\n    return 1\n\n\ndef _mine():\n    return shared()\n",
            "high.py": "from snanalys.low import shared\n\n\ndef g():\n    return shared()\n",
        },
    )
    assert _findings(src) == ([], [])
